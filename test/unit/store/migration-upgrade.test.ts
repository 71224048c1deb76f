import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/core/store/migrations/index.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

/** What must be identical between an upgraded cache and a fresh one: every object's definition. */
function schemaOf(db: import('better-sqlite3').Database): string[] {
  return (
    db
      .prepare(
        `SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`,
      )
      .all() as { type: string; name: string; sql: string | null }[]
  ).map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`);
}

const SEED = `
  INSERT INTO settings (key, value) VALUES ('shopName', '"Kiosk"');
  INSERT INTO connections (id, provider, name, config, created_at, updated_at)
    VALUES ('c', 'vipps', 'Vipps', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
  INSERT INTO transactions (id, provider, connection_id, external_id, kind, amount_minor, currency, status,
      occurred_at, occurred_at_raw, business_date, customer_name, raw_json, synced_at, updated_at)
    VALUES (7, 'vipps', 'c', 'x-7', 'capture', 12345, 'NOK', 'completed', '2026-01-01T10:00:00Z',
      '2026-01-01T10:00:00Z', '2026-01-01', 'Ingrid Lunde', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
  INSERT INTO transaction_refs (transaction_id, kind, value) VALUES (7, 'pspReference', '8811223344556677');
`;

// Every registered version, including ones added after this test was written.
const earlier = MIGRATIONS.slice(0, -1).map((m) => m.version);

describe('upgrading a cache', () => {
  it.each(earlier)(
    'from schema %i, with data, ends up like a fresh cache and keeps the data',
    async (from) => {
      const fresh = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
      const want = schemaOf(fresh.db);
      fresh.close();
      const file = path.join(tempHome(), 'posrecon.sqlite');
      const old = await openStore(file, { migrations: MIGRATIONS.filter((m) => m.version <= from) });
      old.db.exec(SEED);
      old.close();
      const store = await openStore(file);
      expect(store.backupFile).not.toBeNull();
      expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)?.version);
      expect(schemaOf(store.db)).toEqual(want);
      expect(
        store.db.prepare(`SELECT amount_minor, customer_name FROM transactions WHERE id = 7`).get(),
      ).toEqual({
        amount_minor: 12345,
        customer_name: 'Ingrid Lunde',
      });
      expect(store.db.prepare(`SELECT value FROM settings WHERE key = 'shopName'`).pluck().get()).toBe(
        '"Kiosk"',
      );
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      store.close();
    },
  );
});
