import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../../src-main/core/sandbox/index.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { prepareDemoConnections } from '../../../src-main/core/sync/demo-connections.ts';
import { demoAwareSecretSource } from '../../../src-main/core/sync/secret-source.ts';
import type { QuarantineItem } from '../../../src-main/core/sync/quarantine-schemas.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from '../../unit/cli/run-cli.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);
// The fees feed's first page (the second Report API feed request): its middle record, a
// fees-retained entry of a closed day, loses its pspReference and gets an unreadable amount.
const BROKEN_FEE = {
  kind: 'malformed-record' as const,
  provider: 'vipps' as const,
  endpoint: 'report-feed',
  nth: [2],
};
const REASON =
  'Vipps MobilePay sent this record incomplete or garbled: "pspReference" is missing; "amount" should be a number but is "12,5O kr".';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, days: 6, salesPerDay: 20, speedUp: 50, dataDir: tempHome() });
});
afterAll(() => sandbox.close());

/** A home whose Vipps connection synced once through a broken fee: one record in quarantine. */
async function quarantinedHome(): Promise<{ home: string; vipps: string }> {
  const home = tempHome();
  const store = await openStore(path.join(home, 'posrecon.sqlite'));
  prepareDemoConnections(store.db, connectors, sandbox, 'quarantine cli world', 'test');
  const vipps = store.db
    .prepare("SELECT name FROM connections WHERE provider = 'vipps'")
    .pluck()
    .get() as string;
  store.close();
  sandbox.faults.configure({ rules: [BROKEN_FEE] });
  try {
    const r = await cli(['sync', '--home', home, '--connection', vipps, '--json']);
    // 3: the sync finished but a record sits in quarantine.
    expect(r.code, r.err).toBe(3);
  } finally {
    sandbox.faults.configure('none');
  }
  return { home, vipps };
}

describe('posrecon quarantine', () => {
  it('list shows provider, plain reason and raw payload; retry stores the record; the list is empty after', async () => {
    const { home, vipps } = await quarantinedHome();
    const listed = await cli(['quarantine', 'list', '--home', home, '--json']);
    expect(listed.code, listed.err).toBe(0);
    const { items } = JSON.parse(listed.out) as { items: QuarantineItem[] };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      provider: 'vipps',
      providerName: 'Vipps MobilePay',
      connectionName: vipps,
      stream: 'fees',
      externalId: null,
      reason: REASON,
      dismissedAt: null,
    });
    expect(items[0]?.raw).toMatchObject({ entryType: expect.stringMatching(/fee/), amount: '12,5O kr' });
    expect(items[0]?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // Text is for a person: the day as their locale writes it, first seen in the shop's zone, named.
    const text = await cli(['quarantine', 'list', '--home', home], { LANG: 'nb_NO.UTF-8' });
    expect(text.out).toContain('1 record could not be stored and wait in quarantine.');
    const [y, m, d] = (items[0]?.day ?? '').split('-').map(Number);
    expect(text.out).toMatch(
      new RegExp(
        `#${items[0]?.id}  ${vipps} \\(fees\\)  day ${d}\\.${m}\\.${y}  first seen \\d+\\.\\d+\\.\\d{4}, \\d{2}:\\d{2} \\(Europe/Oslo\\)`,
      ),
    );
    expect(text.out).toContain(REASON);
    expect(text.out).toContain('"amount":"12,5O kr"');

    const retried = await cli(['quarantine', 'retry', '--home', home, '--json']);
    expect(retried.code, retried.err).toBe(0);
    expect(JSON.parse(retried.out)).toMatchObject({ retried: 1, stored: 1, remaining: 0 });
    const after = await cli(['quarantine', 'list', '--home', home]);
    expect(after.out.trim()).toBe('Nothing waits in quarantine: every record was stored.');
  });

  it('dismiss without a reason is refused; with one, the record leaves the list and the audit log has it', async () => {
    const { home } = await quarantinedHome();
    const { items } = JSON.parse((await cli(['quarantine', '--home', home, '--json'])).out) as {
      items: QuarantineItem[];
    };
    const id = String(items[0]?.id);

    for (const args of [[], ['--reason', '   ']]) {
      const refused = await cli(['quarantine', 'dismiss', id, '--home', home, ...args]);
      expect(refused.code).toBe(1);
      expect(refused.err).toBe('posrecon: Say why these records can be let go (at least a few words).\n');
    }
    expect(JSON.parse((await cli(['quarantine', '--home', home, '--json'])).out)).toMatchObject({
      items: [{ id: Number(id), dismissedAt: null }],
    });

    const ok = await cli([
      'quarantine',
      'dismiss',
      id,
      '--home',
      home,
      '--reason',
      'Vipps says the fee was a test',
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toBe('Dismissed 1; the reason is in the audit log.\n');
    expect(JSON.parse((await cli(['quarantine', '--home', home, '--json'])).out)).toEqual({
      items: [],
      truncated: false,
    });
    const all = JSON.parse((await cli(['quarantine', '--home', home, '--all', '--json'])).out) as {
      items: QuarantineItem[];
    };
    expect(all.items[0]).toMatchObject({ dismissedReason: 'Vipps says the fee was a test' });

    const store = await openStore(path.join(home, 'posrecon.sqlite'));
    const audit = store.db
      .prepare("SELECT actor, subject, details FROM audit_log WHERE action = 'quarantine:dismiss'")
      .all() as { actor: string; subject: string; details: string }[];
    store.close();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('cli');
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      reason: 'Vipps says the fee was a test',
      records: [{ id: Number(id), provider: 'vipps', externalId: null }],
    });
  });
});

describe('quarantine in the contract', () => {
  it('list, dismissals refused without a reason or for an unknown record, and retry, through dispatch', async () => {
    const { home } = await quarantinedHome();
    const core = await createCore({ home, actor: 'ui', secrets: demoAwareSecretSource() });
    try {
      const listed = await core.dispatch('quarantine:list', {});
      expect(listed).toMatchObject({ ok: true, value: { items: [{ provider: 'vipps', reason: REASON }] } });
      const id = (listed as { value: { items: QuarantineItem[] } }).value.items[0]?.id ?? 0;

      for (const reason of [undefined, '', '  ']) {
        const refused = await core.dispatch('quarantine:dismiss', { ids: [id], reason });
        expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      }
      expect(
        await core.dispatch('quarantine:dismiss', { ids: [id + 1000], reason: 'not there' }),
      ).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });

      // The fault is lifted: a retry through the contract stores the fee.
      const retried = await core.dispatch('quarantine:retry', { ids: [id] });
      expect(retried).toMatchObject({ ok: true, value: { retried: 1, stored: 1, remaining: 0 } });
      expect(await core.dispatch('quarantine:list', { includeDismissed: true })).toMatchObject({
        ok: true,
        value: { items: [] },
      });
      const status = await core.dispatch('sync:status', {});
      for (const c of (status as { value: { connections: { quarantined: number }[] } }).value.connections)
        expect(c.quarantined).toBe(0);
    } finally {
      core.close();
    }
  });
});
