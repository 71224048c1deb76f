import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src-main/core/store/migrations/index.ts';
import { SCHEMA_VERSION, openStore } from '../../../src-main/core/store/open-store.ts';
import { StoreError } from '../../../src-main/core/store/store-error.ts';
import { POSRECON_APPLICATION_ID } from '../../../src-main/core/store/store-identity.ts';
import { useTempHome } from '../../support/temp-home.ts';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const tempHome = useTempHome();

async function expectStoreError(file: string, code: string): Promise<StoreError> {
  const err = await openStore(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  expect((err as StoreError).message).toContain(file);
  return err as StoreError;
}

describe('openStore', () => {
  it('creates a new database with the pragmas and schema the architecture asks for', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    const store = await openStore(file);
    const { db } = store;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThanOrEqual(5000);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'table'`).all() as {
      name: string;
      sql: string;
    }[];
    for (const name of [
      'settings',
      'connections',
      'sync_state',
      'transactions',
      'transaction_refs',
      'transaction_lines',
      'change_log',
      'audit_log',
    ]) {
      const t = tables.find((x) => x.name === name);
      expect(t, name).toBeDefined();
      expect(t?.sql, name).toMatch(/STRICT/);
    }
    expect(store.backupFile).toBeNull();
    store.close();
  });

  it('enforces the unique key and foreign keys', async () => {
    const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
    const { db } = store;
    const insert = db.prepare(
      `INSERT INTO transactions (provider, connection_id, external_id, kind, amount_minor, currency, status,
         occurred_at, occurred_at_raw, business_date, raw_json, synced_at, updated_at)
       VALUES ('vipps', ?, 'x1', 'capture', 100, 'NOK', 'completed', 't', 't', '2024-01-01', '{}', 't', 't')`,
    );
    expect(() => insert.run('nope')).toThrow(/FOREIGN KEY/);
    db.prepare(
      `INSERT INTO connections (id, provider, name, config, created_at, updated_at) VALUES ('c1','vipps','V','{}','t','t')`,
    ).run();
    insert.run('c1');
    expect(() => insert.run('c1')).toThrow(/UNIQUE/);
    expect(() => db.prepare(`UPDATE transactions SET amount_minor = '12.5'`).run()).toThrow(
      /cannot store REAL value in INTEGER column|datatype mismatch/,
    );
    store.close();
  });

  it('refuses a file that is not SQLite and leaves it byte-for-byte unchanged', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    writeFileSync(file, 'Quarterly numbers, definitely not a database\n'.repeat(200));
    const before = sha(file);
    const err = await expectStoreError(file, 'DB_NOT_SQLITE');
    expect(err.message).toMatch(/left untouched/);
    expect(sha(file)).toBe(before);
    expect(readdirSync(path.dirname(file))).toEqual(['posrecon.sqlite']);
  });

  it('refuses a damaged SQLite file without writing to it', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100, 4096); // keep the header magic, wreck the schema page
    writeFileSync(file, bytes);
    const before = sha(file);
    await expectStoreError(file, 'DB_CORRUPT');
    expect(sha(file)).toBe(before);
  });

  it('refuses a database from a newer posrecon', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    const db = new Database(file);
    db.pragma(`application_id = ${POSRECON_APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = sha(file);
    const err = await expectStoreError(file, 'DB_TOO_NEW');
    expect(err.message).toMatch(/newer posrecon/);
    expect(sha(file)).toBe(before);
  });

  it('backs up an existing database before migrating it, and the copy is a readable database', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    // Build a database at version 1 by hand, then pretend the app gained a migration.
    const first = MIGRATIONS[0];
    const db = new Database(file);
    db.exec(first?.sql ?? '');
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO settings (key, value) VALUES ('shopName', '"Kiosk"')`).run();
    db.close();
    const extra = {
      version: SCHEMA_VERSION + 1,
      name: 'test-step',
      sql: 'CREATE TABLE extra (x INTEGER) STRICT;',
    };
    const store = await openStore(file, {
      now: () => new Date('2026-01-02T03:04:05Z'),
      migrations: [...MIGRATIONS, extra],
    });
    expect(store.backupFile).toMatch(/posrecon\.sqlite\.v1-2026-01-02T03-04-05-000Z\.bak$/);
    expect(existsSync(store.backupFile ?? '')).toBe(true);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(store.db.prepare(`SELECT count(*) AS n FROM extra`).get()).toEqual({ n: 0 });
    store.close();
    const backup = new Database(store.backupFile ?? '', { readonly: true });
    expect(backup.pragma('user_version', { simple: true })).toBe(1);
    expect(backup.prepare(`SELECT value FROM settings WHERE key = 'shopName'`).get()).toEqual({
      value: '"Kiosk"',
    });
    backup.close();
  });

  it('indexes what a schema-3 cache already held when it moves to one search document per transaction', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    const old = await openStore(file, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    old.db.exec(`
      INSERT INTO connections (id, provider, name, config, is_demo, created_at, updated_at)
        VALUES ('c', 'vipps', 'Vipps', '{}', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
      INSERT INTO transactions (id, provider, connection_id, external_id, kind, amount_minor, currency, status,
          provider_status, occurred_at, occurred_at_raw, business_date, customer_name, raw_json, synced_at, updated_at)
        VALUES (7, 'vipps', 'c', 'x-7', 'capture', 100, 'NOK', 'completed', 'OK', '2026-01-01T10:00:00Z',
          '2026-01-01T10:00:00Z', '2026-01-01', 'Ingrid Lunde', '{}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
      INSERT INTO transaction_refs (transaction_id, kind, value) VALUES (7, 'pspReference', '8811223344556677');
    `);
    old.close();
    const store = await openStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const match = (q: string) =>
      store.db.prepare('SELECT rowid FROM search_fts WHERE search_fts MATCH ?').pluck().all(q);
    expect(match('"ingrid"* AND "88112233"*')).toEqual([7]);
    expect(store.db.prepare('SELECT count(*) FROM search_pending').pluck().get()).toBe(0);
    store.close();
  });

  it('rolls a failing migration back whole, version included', async () => {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    (await openStore(file)).close();
    const broken = {
      version: SCHEMA_VERSION + 1,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER) STRICT; SELECT * FROM nope;',
    };
    await expect(openStore(file, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(
      /no such table: nope/,
    );
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'`).get()).toEqual({ n: 0 });
    db.close();
  });
});
