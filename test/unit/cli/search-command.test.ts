import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../../src-main/core/home.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from './run-cli.ts';

const tempHome = useTempHome();
let home: string;

beforeAll(async () => {
  home = tempHome();
  const store = await openStore(databaseFile(home));
  bulkInsert(store.db, generateTransactions({ count: 400, seed: 3, days: 30 }));
  store.close();
});

describe('posrecon search: mistakes get an error that names the flag, and exit 2', () => {
  it.each([
    [
      ['--from', '2026-13-45'],
      /option '--from <date>' argument '2026-13-45' is invalid\. must be a calendar date/,
    ],
    [['--to', '30.11.2026'], /option '--to <date>' argument '30\.11\.2026' is invalid/],
    [
      ['--from', '2026-11-30', '--to', '2026-11-01'],
      /^posrecon: --to 2026-11-01 is before --from 2026-11-30\.$/m,
    ],
    [['--min', '500', '--max', '100'], /^posrecon: --min 500 is above --max 100\.$/m],
    [['--min', '10.999', '--currency', 'NOK'], /--min 10\.999 has more decimals than NOK has \(2\)/],
    [['--max', '5.5', '--currency', 'JPY'], /--max 5\.5 has more decimals than JPY has \(none\)/],
    [['--min', 'ten'], /--min must be a decimal amount such as 199\.50, not "ten"/],
    [
      ['--currency', 'kroner', '--min', '1'],
      /--currency must be a currency code such as NOK or EUR, not "kroner"/,
    ],
    [
      ['--kind', 'payouts'],
      /--kind must be one of sale, capture, refund, fee, payout, adjustment, payment, not "payouts"/,
    ],
    [
      ['--provider', 'vipps,stripe'],
      /--provider must be one of sentrypos, vipps, tgi, sensepass, cents, not "stripe"/,
    ],
    [['--status', 'done'], /--status must be one of .*completed.*, not "done"/],
    [['--sort', 'cheapest'], /option '--sort <order>' argument 'cheapest' is invalid/],
  ])('%j', async (args, message) => {
    const r = await cli(['search', '--home', home, ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    // No wire names (the contract's dateFrom, amountMinMinor…) and no addresses.
    expect(r.err).not.toMatch(/dateFrom|dateTo|amountM|providers\[|statuses\[|kinds\[|https?:/);
    expect(r.out).toBe('');
  });

  it('--json gives the same error as one JSON document', async () => {
    const r = await cli(['search', '--home', home, '--json', '--min', '9', '--max', '1']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: '--min 9 is above --max 1.' },
    });
  });

  it('on a home with no cache, says so and creates nothing', async () => {
    const empty = path.join(tempHome(), 'never-used');
    const r = await cli(['search', 'kari', '--home', empty]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No cache at .*posrecon\.sqlite yet\. Run `posrecon demo`/);
    expect(existsSync(databaseFile(empty))).toBe(false);
    const json = await cli(['search', '--home', empty, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: { code: 'DB_MISSING' } });
  });
});

describe('posrecon search: results', () => {
  it('--kind filters by kind of money (payment is the provider capture)', async () => {
    const r = await cli(['search', '--home', home, '--json', '--kind', 'payout,refund', '--limit', '500']);
    expect(r.code).toBe(0);
    const { items } = JSON.parse(r.out) as { items: { kind: string }[] };
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.kind))).toEqual(new Set(['payout', 'refund']));
    const payments = await cli(['search', '--home', home, '--json', '--kind', 'payment', '--limit', '50']);
    const paid = JSON.parse(payments.out) as { items: { kind: string }[] };
    expect(paid.items.length).toBeGreaterThan(0);
    expect(paid.items.every((i) => i.kind === 'capture')).toBe(true);
  });

  it('text has a header row and aligned columns, dates as the reader’s locale writes them', async () => {
    const r = await cli(['search', '--home', home, '--limit', '8'], { LANG: 'nb_NO.UTF-8' });
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    const table = lines.slice(0, 9);
    expect(table[0]).toMatch(
      /^Date\s+Provider\s+Kind\s+Amount\s+Status\s+Reconciliation\s+Description\s+Reference$/,
    );
    // Each column starts where its header does; amounts end where theirs does.
    const starts = ['Provider', 'Kind', 'Status'].map((h) => table[0]?.indexOf(h) ?? -1);
    const amountEnd = (table[0]?.indexOf('Amount') ?? 0) + 'Amount'.length;
    for (const row of table.slice(1)) {
      for (const s of starts) expect(row[s - 1], row).toBe(' ');
      expect(row.slice(amountEnd - 3, amountEnd), row).toMatch(/^[A-Z]{3}$/);
      expect(row, row).toMatch(/^\d{1,2}\.\d{1,2}\.\d{4}\s/);
    }
    expect(lines[9]).toMatch(/^\d+ matching/);
  });

  it('text says what each record is and where it stands, and a payout is not a negative amount', async () => {
    const r = await cli(['search', '--home', home, '--kind', 'payout,fee', '--limit', '200']);
    expect(r.code, r.err).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\S+\s+Vipps/.test(l));
    const payouts = rows.filter((l) => /\sPayout\s/.test(l));
    const fees = rows.filter((l) => /\sFee\s/.test(l));
    expect(payouts.length).toBeGreaterThan(0);
    expect(fees.length).toBeGreaterThan(0);
    for (const l of payouts) expect(l).toMatch(/\sPayout\s+\d[\d.]* NOK\s/);
    for (const l of fees) expect(l).toMatch(/\sFee\s+-[\d.]+ NOK\s/);
    expect(r.out).toMatch(/paid to your bank \d/);
  });
});

describe('posrecon sandbox --faults', () => {
  it('an unknown profile is refused before any world is built (exit 2)', () => {
    const r = spawnSync(process.execPath, ['src-main/cli/main.ts', 'sandbox', '--faults', 'flaky,weird'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /option '--faults <profile>' argument 'flaky,weird' is invalid\. unknown fault profile "weird" \(known: none, flaky, all, changing\)/,
    );
    expect(r.stderr).not.toMatch(/Preparing sandbox world/);
  });
});
