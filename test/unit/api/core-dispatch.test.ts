import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../src-main/core/model/app-error.ts';
import { operationNames } from '../../../src-main/core/api/contract.ts';
import { type HandlerMap, createDispatcher } from '../../../src-main/core/api/dispatcher.ts';
import { createCore } from '../../../src-main/core/core.ts';
import { SCHEMA_VERSION } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

function insertConnectionAndRows(
  db: import('better-sqlite3').Database,
  n: number,
  date: string,
  offset = 0,
): void {
  db.prepare(
    `INSERT OR IGNORE INTO connections (id, provider, name, config, created_at, updated_at)
     VALUES ('c1', 'vipps', 'Vipps main', '{}', 't', 't')`,
  ).run();
  const insert = db.prepare(
    `INSERT INTO transactions (provider, connection_id, external_id, kind, amount_minor, currency, status,
       occurred_at, occurred_at_raw, business_date, raw_json, synced_at, updated_at)
     VALUES ('vipps', 'c1', ?, 'capture', ?, 'NOK', 'completed', ?, ?, ?, '{}', 't', 't')`,
  );
  for (let i = 0; i < n; i++) {
    const ts = `${date}T10:00:00.000Z`;
    insert.run(`x${offset + i}`, 100 + i, ts, ts, date);
  }
}

describe('core dispatch', () => {
  it("names each bad input's whole path, so a form shows it beside the row it is about", async () => {
    const core = await createCore({ home: tempHome() });
    const bad = await core.dispatch('reconcile:configure', {
      fxRates: [
        { currency: 'ILS', rate: 2.9, from: '2026-11-01', to: null },
        { currency: 'SEK', rate: 0, from: '2026-11-01', to: null },
      ],
    });
    core.close();
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('BAD_INPUT');
    const details = bad.error.details as { fields: unknown; fieldErrors: Record<string, string[]> };
    expect(details.fields).toEqual([{ path: 'fxRates.1.rate', message: 'A rate must be above zero' }]);
    // The flattened form, which the other forms and the CLI read, is still there.
    expect(details.fieldErrors.fxRates).toEqual(['A rate must be above zero']);
  });

  it('validates settings and returns field errors the UI can show', async () => {
    const core = await createCore({ home: tempHome() });
    const bad = await core.dispatch('settings:set', {
      timeZone: 'Mars/Olympus',
      currency: 'XXQ',
      shopName: '',
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('BAD_INPUT');
    const fields = (bad.error.details as { fieldErrors: Record<string, string[]> }).fieldErrors;
    expect(fields.timeZone?.[0]).toMatch(/IANA time zone/);
    expect(fields.currency?.[0]).toMatch(/ISO 4217/);
    expect(fields.shopName?.[0]).toMatch(/needs a name/);
    // Nothing was written by the rejected call.
    const unchanged = await core.dispatch('settings:get', {});
    expect(unchanged).toEqual({
      ok: true,
      value: { shopName: 'My shop', timeZone: 'Europe/Oslo', currency: 'NOK' },
    });

    const good = await core.dispatch('settings:set', { timeZone: 'America/New_York', currency: 'usd' });
    expect(good).toEqual({
      ok: true,
      value: { shopName: 'My shop', timeZone: 'America/New_York', currency: 'USD' },
    });
    const audit = core.store.db.prepare(`SELECT actor, action, details FROM audit_log`).all();
    expect(audit).toEqual([
      {
        actor: 'ui',
        action: 'settings:set',
        details: JSON.stringify({ timeZone: 'America/New_York', currency: 'USD' }),
      },
    ]);
    core.close();
  });

  it('rejects unknown operations, unknown fields and non-object input', async () => {
    const core = await createCore({ home: tempHome() });
    expect(await core.dispatch('settings:drop', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_OPERATION' },
    });
    expect(await core.dispatch('settings:set', { admin: true })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await core.dispatch('transactions:list', 'DROP TABLE')).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await core.dispatch('transactions:list', { limit: 10_000 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await core.dispatch('transactions:list', { cursor: 'garbage!!' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringMatching(/cursor/) },
    });
    core.close();
  });

  it('reports app info with real counts', async () => {
    const home = tempHome();
    const core = await createCore({ home });
    insertConnectionAndRows(core.store.db, 3, '2024-03-01');
    const info = await core.dispatch('app:info', {});
    expect(info).toMatchObject({
      ok: true,
      value: {
        name: 'posrecon',
        dataDir: home,
        schemaVersion: SCHEMA_VERSION,
        counts: { transactions: 3, connections: 1, changeLog: 0 },
      },
    });
    core.close();
  });

  it('pages transactions by keyset, stable while rows are inserted', async () => {
    const core = await createCore({ home: tempHome() });
    expect(await core.dispatch('transactions:list', {})).toEqual({
      ok: true,
      value: { items: [], nextCursor: null },
    });
    insertConnectionAndRows(core.store.db, 5, '2024-03-02');
    insertConnectionAndRows(core.store.db, 5, '2024-03-01', 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    let first = true;
    do {
      const page = await core.dispatch('transactions:list', { limit: 3, cursor });
      if (!page.ok) throw new Error(page.error.message);
      const value = page.value as {
        items: { externalId: string; connectionName: string }[];
        nextCursor: string | null;
      };
      seen.push(...value.items.map((i) => i.externalId));
      expect(value.items.every((i) => i.connectionName === 'Vipps main')).toBe(true);
      cursor = value.nextCursor;
      if (first) insertConnectionAndRows(core.store.db, 2, '2024-03-03', 100); // newer rows land before the cursor
      first = false;
    } while (cursor);
    expect(seen).toEqual(['x4', 'x3', 'x2', 'x1', 'x0', 'x9', 'x8', 'x7', 'x6', 'x5']);
    core.close();
  });
});

describe('createDispatcher', () => {
  const base = (overrides: Partial<HandlerMap>): HandlerMap =>
    Object.fromEntries(
      operationNames.map((n) => [n, overrides[n] ?? (() => Promise.reject(new Error('unused')))]),
    ) as HandlerMap;

  it('never lets an invalid answer out, and hides internal errors behind a safe message', async () => {
    const reported: unknown[] = [];
    const dispatch = createDispatcher(
      base({
        'settings:get': () => ({ shopName: '', timeZone: 'nowhere', currency: 'NOK' }),
        'app:info': () => {
          throw new Error('secret internals at /home/x');
        },
        'transactions:list': () => {
          throw new AppError('NOT_FOUND', 'No such page');
        },
      }),
      { onInternalError: (_op, err) => reported.push(err) },
    );
    expect(await dispatch('settings:get', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const crashed = await dispatch('app:info', {});
    expect(crashed).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(crashed)).not.toContain('secret internals');
    expect(await dispatch('transactions:list', {})).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No such page' },
    });
    expect(reported).toHaveLength(2);
  });

  it('hands handlers parsed input with defaults applied', async () => {
    let received: unknown;
    const dispatch = createDispatcher(
      base({
        'transactions:list': (input) => {
          received = input;
          return { items: [], nextCursor: null };
        },
      }),
    );
    await dispatch('transactions:list', undefined);
    expect(received).toEqual({ limit: 100 });
    expect(z.object({ limit: z.literal(100) }).safeParse(received).success).toBe(true);
  });
});
