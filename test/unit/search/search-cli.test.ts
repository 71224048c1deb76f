import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src-main/cli/main.ts';
import { createCore } from '../../../src-main/core/core.ts';
import { countedTotals, directTotals, markViews } from '../../support/direct-totals.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
let home: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { stdout, stderr, env: {}, signal: new AbortController().signal });
  return { code, out, err };
}

beforeAll(async () => {
  home = tempHome();
  const core = await createCore({ home });
  bulkInsert(core.store.db, generateTransactions({ count: 1500, seed: 11 }));
  markViews(core.store.db, "provider = 'vipps' AND id % 2 = 1");
  core.close();
});

describe('posrecon search', () => {
  it('finds by text and prints the totals per currency and kind of money, and what it left out', async () => {
    const r = await cli(['search', 'kari', '--home', home, '--limit', '5']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    // A header row, then the five rows.
    expect(lines[0]).toMatch(/^Date +Provider +Kind +Amount/);
    expect(lines[1]).toMatch(/Kari/);
    expect(lines[6]).toMatch(/^\d+ matching, \d+ counted \(showing 5\)$/);
    const currencies = lines.filter((l) => /^ {2}[A-Z]{3} /.test(l));
    expect(currencies.length).toBeGreaterThan(0);
    // The headline, then each kind on its own with its count: never one figure across kinds.
    expect(lines.join('\n')).toMatch(/^ {2}NOK received -?\d+\.\d\d \| .*payments -?\d+\.\d\d \(\d+\)/m);
    expect(lines.at(-1)).toMatch(
      /^Vipps payments are counted once, from the Sales API; [\d,]+ Report ledger entr(y|ies) of the same payments (is|are) not counted again\./,
    );
  });

  it('combines filters, converts --min/--max exactly, and its totals equal a direct SQL sum', async () => {
    const args = ['search', '--from', '2025-01-01', '--to', '2025-12-31', '--provider', 'vipps,cents'];
    const r = await cli([
      ...args,
      '--status',
      'completed',
      '--currency',
      'NOK',
      '--min',
      '100',
      '--max',
      '499.99',
      '--json',
      '--home',
      home,
    ]);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as {
      items: { amountMinor: number }[];
      totals: Parameters<typeof countedTotals>[0];
    };
    expect(body.items.every((t) => t.amountMinor >= 10_000 && t.amountMinor <= 49_999)).toBe(true);
    const core = await createCore({ home });
    const direct = directTotals(
      core.store.db,
      `business_date BETWEEN '2025-01-01' AND '2025-12-31' AND provider IN ('vipps', 'cents')
        AND status = 'completed' AND currency = 'NOK' AND amount_minor BETWEEN 10000 AND 49999`,
    );
    core.close();
    expect(countedTotals(body.totals)).toEqual(direct);
    expect(body.totals.secondViews).toBeGreaterThan(0);
  });

  it('refuses bad values with exit 2 and a plain message', async () => {
    expect((await cli(['search', '--min', 'ten', '--currency', 'NOK', '--home', home])).err).toMatch(
      /--min must be a decimal/,
    );
    expect((await cli(['search', '--status', 'lost', '--home', home, '--json'])).code).toBe(2);
    expect((await cli(['search', '--limit', '0', '--home', home])).code).toBe(2);
  });

  it('stops quietly when its reader does (posrecon search | head)', async () => {
    const child = spawn(
      process.execPath,
      [path.resolve('src-main/cli/main.ts'), 'search', '--home', home, '--limit', '500'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // Read the first chunk, then hang up, as `head` does: 500 rows are more than a pipe holds.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(err).toBe('');
    expect(code).toBe(0);
  });
});
