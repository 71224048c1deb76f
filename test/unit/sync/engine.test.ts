import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Connector, RecordOutcome } from '../../../src-main/core/providers/connector.ts';
import { ConnectorError } from '../../../src-main/core/providers/connector-error.ts';
import { addConnection } from '../../../src-main/core/store/mutations/connections.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { loadBookmark } from '../../../src-main/core/store/queries/sync-state.ts';
import { type SyncRequest, runSync } from '../../../src-main/core/sync/engine.ts';
import type { SyncProgress } from '../../../src-main/core/sync/progress.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { canonical, fakeConnector, ok } from './fake-connector.ts';

const tempHome = useTempHome();
const SECRET = 'sk_live_very_secret_value_123';

/** Three pages of three records: enough to crash between pages and inside one. */
const threePages = (cid: string): RecordOutcome[][] =>
  [0, 1, 2].map((p) => [0, 1, 2].map((i) => ok(canonical(cid, `r${p}-${i}`, { amountMinor: 100 * p + i }))));

async function setup(connectors: Connector[], names: [Connector['provider'], string][] = [['tgi', 'Shop']]) {
  const file = path.join(tempHome(), 'posrecon.sqlite');
  const store = await openStore(file);
  const ids = names.map(
    ([provider, name]) => addConnection(store.db, { provider, name, config: {} }, 'test').id,
  );
  const sync = (request: SyncRequest = {}) =>
    runSync({ db: store.db, connectors, secrets: async () => ({ apiKey: SECRET }) }, request);
  return { store, db: store.db, ids, sync, file };
}

/** The synced data without ids and timestamps, to compare a resumed run with a clean one. */
function snapshot(db: Database): unknown {
  return {
    tx: db
      .prepare('SELECT external_id, amount_minor, status, raw_json FROM transactions ORDER BY external_id')
      .all(),
    refs: db
      .prepare(
        'SELECT t.external_id, r.kind, r.value FROM transaction_refs r JOIN transactions t ON t.id = r.transaction_id ORDER BY 1, 2, 3',
      )
      .all(),
    lines: db
      .prepare(
        'SELECT t.external_id, l.line_no, l.line_gross_minor FROM transaction_lines l JOIN transactions t ON t.id = l.transaction_id ORDER BY 1, 2',
      )
      .all(),
    days: db.prepare('SELECT stream, date, state FROM day_completeness ORDER BY date').all(),
  };
}

async function cleanRunSnapshot(): Promise<unknown> {
  const clean = await setup([fakeConnector({ pages: threePages })]);
  await clean.sync();
  const snap = snapshot(clean.db);
  clean.store.close();
  return snap;
}

const count = (db: Database, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe('sync engine', () => {
  it('commits every page with its bookmark and completeness, reports counts and progress', async () => {
    const { db, ids, sync, store } = await setup([fakeConnector({ pages: threePages })]);
    const progress: SyncProgress[] = [];
    const [report] = await sync({ onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({
      connectionId: ids[0],
      status: 'ok',
      pages: 3,
      records: 9,
      inserted: 9,
      quarantined: 0,
      error: null,
    });
    expect(loadBookmark(db, ids[0]!, 'sales')).toBe('2');
    expect(db.prepare('SELECT state FROM day_completeness ORDER BY date').pluck().all()).toEqual([
      'complete',
      'complete',
      'open',
    ]);
    expect(db.prepare('SELECT status, pages, records, inserted FROM sync_runs').get()).toEqual({
      status: 'ok',
      pages: 3,
      records: 9,
      inserted: 9,
    });
    expect(progress.map((p) => [p.pages, p.records, p.done])).toEqual([
      [1, 3, false],
      [2, 6, false],
      [3, 9, false],
      [3, 9, true],
    ]);
    expect(progress[0]).toMatchObject({ stream: 'sales', connectionName: 'Shop', totalHint: 9 });
    expect(progress.at(-1)?.etaSeconds).toBe(0);
    const [again] = await sync();
    expect(again).toMatchObject({ status: 'ok', records: 0 });
    store.close();
  });

  it('a connector failing mid-stream keeps earlier pages and the bookmark; resuming equals a clean run', async () => {
    const err = new ConnectorError('transient', 'FakePOS answered 503 after retrying.');
    const { db, ids, sync, store } = await setup([
      fakeConnector({ pages: threePages, failAt: { page: 2, error: err } }),
    ]);
    const [failed] = await sync();
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'FakePOS answered 503 after retrying.',
      pages: 2,
      inserted: 6,
    });
    expect(count(db, 'transactions')).toBe(6);
    expect(loadBookmark(db, ids[0]!, 'sales')).toBe('1');
    expect(db.prepare('SELECT status, last_error FROM sync_state').get()).toEqual({
      status: 'failed',
      last_error: failed!.error,
    });
    const [resumed] = await sync();
    expect(resumed).toMatchObject({ status: 'ok', pages: 1, inserted: 3 });
    expect(snapshot(db)).toEqual(await cleanRunSnapshot());
    store.close();
  });

  it('a crash inside a page commit leaves nothing of that page, not even its bookmark', async () => {
    const { db, ids, sync, store } = await setup([fakeConnector({ pages: threePages })]);
    // SQLite aborts the statement halfway through page 1, as a crash would: the page's transaction rolls back.
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON transactions WHEN NEW.external_id = 'r1-2'
             BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    const [crashed] = await sync();
    expect(crashed?.status).toBe('failed');
    expect(crashed?.error).toMatch(/unexpected error \(disk I\/O error\)/);
    expect(db.prepare('SELECT external_id FROM transactions ORDER BY 1').pluck().all()).toEqual([
      'r0-0',
      'r0-1',
      'r0-2',
    ]);
    expect(loadBookmark(db, ids[0]!, 'sales')).toBe('0');
    expect(db.prepare('SELECT pages, records FROM sync_runs').get()).toEqual({ pages: 1, records: 3 });
    db.exec('DROP TRIGGER boom');
    await sync();
    expect(snapshot(db)).toEqual(await cleanRunSnapshot());
    store.close();
  });

  it('quarantines bad records (counted, visible, deduplicated) and clears them when delivered valid', async () => {
    let fixed = false;
    const pages = (cid: string): RecordOutcome[][] => [
      [
        ok(canonical(cid, 'good')),
        fixed
          ? ok(canonical(cid, 'q1'))
          : {
              ok: false,
              raw: { id: 'q1', amount: 'abc' },
              error: 'amount "abc" is not a number',
              externalId: 'q1',
            },
        { ok: false, raw: { amount: 'n/a' }, error: 'record has no id', externalId: null },
        ok(canonical(cid, 'badcur', { currency: 'XX' })),
      ],
    ];
    const { db, sync, store } = await setup([fakeConnector({ pages })]);
    const [first] = await sync();
    expect(first).toMatchObject({
      status: 'partial',
      records: 4,
      inserted: 1,
      quarantined: 3,
      quarantinedTotal: 3,
    });
    expect(db.prepare('SELECT external_id, error FROM quarantine ORDER BY id').all()).toEqual([
      { external_id: 'q1', error: 'amount "abc" is not a number' },
      { external_id: null, error: 'record has no id' },
      { external_id: 'badcur', error: 'currency "XX" is not an ISO 4217 code' },
    ]);
    await sync({ since: '2024-03-01' });
    expect(count(db, 'quarantine')).toBe(3);
    fixed = true;
    const [third] = await sync({ since: '2024-03-01' });
    expect(third).toMatchObject({ status: 'partial', inserted: 1, quarantined: 2, quarantinedTotal: 2 });
    expect(db.prepare('SELECT external_id FROM quarantine ORDER BY id').pluck().all()).toEqual([
      null,
      'badcur',
    ]);
    store.close();
  });

  it('releases an id-less quarantined record once its page is re-read without it', async () => {
    let broken = true;
    const pages = (cid: string): RecordOutcome[][] => [
      [
        ok(canonical(cid, 'before')),
        broken
          ? { ok: false, raw: { amount: 'n/a' }, error: 'record has no id', externalId: null }
          : ok(canonical(cid, 'fixed')),
        ok(canonical(cid, 'after')),
      ],
      [ok(canonical(cid, 'elsewhere'))],
    ];
    const { db, sync, store } = await setup([fakeConnector({ pages })]);
    await sync();
    expect(db.prepare('SELECT anchors FROM quarantine').pluck().get()).toBe('["before","after"]');
    // Re-reading only the second page says nothing about the first: the record stays.
    db.prepare("UPDATE sync_state SET bookmark = '0'").run();
    expect((await sync())[0]).toMatchObject({ status: 'partial', quarantinedTotal: 1 });
    // Re-reading its page and meeting it again keeps it too.
    expect((await sync({ since: '2024-03-01' }))[0]).toMatchObject({
      status: 'partial',
      quarantinedTotal: 1,
    });
    broken = false;
    expect((await sync({ since: '2024-03-01' }))[0]).toMatchObject({ status: 'ok', quarantinedTotal: 0 });
    store.close();
  });

  it('an auth error stops only that connection, with its plain message, and secrets never leak', async () => {
    const message = 'SentryPOS rejected the API key (401). Check the key in Connections.';
    const sentry = fakeConnector(
      { pages: () => [[]], failAt: { page: 0, error: new ConnectorError('auth', message, { status: 401 }) } },
      'sentrypos',
    );
    const leaky = fakeConnector(
      { pages: () => [[]], failAt: { page: 0, error: new Error(`GET /x?key=${SECRET} failed`) } },
      'cents',
    );
    const { db, sync, store, file } = await setup(
      [fakeConnector({ pages: threePages }), sentry, leaky],
      [
        ['tgi', 'Till'],
        ['sentrypos', 'POS'],
        ['cents', 'Donations'],
      ],
    );
    const reports = await sync();
    const by = Object.fromEntries(reports.map((r) => [r.connectionName, r]));
    expect(by.POS).toMatchObject({ status: 'failed', error: message });
    expect(by.Till).toMatchObject({ status: 'ok', inserted: 9 });
    expect(by.Donations?.error).toBe(
      'FakePOS: the sync stopped on an unexpected error (GET /x?key=[redacted] failed).',
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    expect(readFileSync(file).includes(SECRET)).toBe(false);
  });

  it('reports a connection whose stored settings no longer validate, without touching the others', async () => {
    const { db, ids, sync, store } = await setup(
      [fakeConnector({ pages: threePages })],
      [
        ['tgi', 'Till'],
        ['vipps', 'Vipps'],
      ],
    );
    db.prepare('UPDATE connections SET config = \'{"baseUrl": 42}\' WHERE id = ?').run(ids[0]);
    const reports = await sync();
    expect(reports.find((r) => r.connectionName === 'Till')?.error).toMatch(
      /^The settings of Till are not valid \(baseUrl: .+\)\. Fix them in Connections\.$/,
    );
    expect(reports.find((r) => r.connectionName === 'Vipps')?.error).toBe(
      'This version of posrecon has no connector for vipps.',
    );
    store.close();
  });

  it('cancellation keeps what was committed and resumes from the last saved page', async () => {
    const controller = new AbortController();
    const connector = fakeConnector({
      pages: threePages,
      beforePage: (i) => {
        if (i === 1) controller.abort();
      },
    });
    const { db, ids, sync, store } = await setup([connector]);
    const [cancelled] = await sync({ signal: controller.signal });
    expect(cancelled).toMatchObject({ status: 'cancelled', pages: 1, inserted: 3 });
    expect(loadBookmark(db, ids[0]!, 'sales')).toBe('0');
    expect(db.prepare('SELECT status FROM sync_runs').pluck().get()).toBe('cancelled');
    const [resumed] = await sync();
    expect(resumed).toMatchObject({ status: 'ok', pages: 2, inserted: 6 });
    expect(snapshot(db)).toEqual(await cleanRunSnapshot());
    store.close();
  });

  it('marks a run left running by a crashed process as interrupted', async () => {
    const { db, ids, sync, store } = await setup([fakeConnector({ pages: threePages })]);
    db.prepare(
      "INSERT INTO sync_runs (connection_id, started_at, status) VALUES (?, '2024-01-01T00:00:00Z', 'running')",
    ).run(ids[0]);
    await sync();
    expect(db.prepare('SELECT status, error FROM sync_runs ORDER BY id').all()).toEqual([
      { status: 'failed', error: expect.stringMatching(/interrupted/) as unknown },
      { status: 'ok', error: null },
    ]);
    store.close();
  });
});
