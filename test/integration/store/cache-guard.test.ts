import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { logFile } from '../../../src-main/core/log/file-log.ts';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { stampMatches } from '../../../src-main/core/store/check-stamp.ts';
import { POSRECON_APPLICATION_ID } from '../../../src-main/core/store/store-identity.ts';
import { startServer } from '../../../src-main/server/serve.ts';
import { bulkInsert, generateTransactions } from '../../support/seed-transactions.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from '../../unit/cli/run-cli.ts';

const tempHome = useTempHome();
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Another program's database, with a `settings` table of its own (the case that used to half-migrate). */
function foreignHome(): { home: string; file: string } {
  const home = tempHome();
  const file = path.join(home, 'posrecon.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE settings (k TEXT PRIMARY KEY, v TEXT);
    INSERT INTO settings VALUES ('theme', 'dark');
    CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);`);
  db.pragma('user_version = 7');
  db.close();
  return { home, file };
}

/** A real cache with a few thousand rows, then 4 KiB of garbage in the middle (header intact). */
async function damagedHome(): Promise<{ home: string; file: string }> {
  const home = tempHome();
  const core = await createCore({ home });
  bulkInsert(core.store.db, generateTransactions({ count: 3000, seed: 3 }));
  core.store.db.pragma('wal_checkpoint(TRUNCATE)');
  core.close();
  const file = path.join(home, 'posrecon.sqlite');
  const bytes = readFileSync(file);
  const middle = Math.floor(bytes.length / 2 / 4096) * 4096;
  bytes.fill(0x5a, middle, middle + 4096);
  writeFileSync(file, bytes);
  return { home, file };
}

describe('a file that is not a posrecon cache', () => {
  it('is refused byte-for-byte untouched, with no WAL switch and no backup, and says what it seems to be', async () => {
    const { home, file } = foreignHome();
    const before = sha(file);
    const err = (await openStore(file).catch((e: unknown) => e)) as Error & { code: string };
    expect(err).toMatchObject({ code: 'DB_FOREIGN' });
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/another program's SQLite database with tables settings, notes/);
    for (const args of [['search', 'x'], ['sync'], ['db', 'check']]) {
      const r = await cli([...args, '--home', home]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err, args.join(' ')).toMatch(/is not a posrecon cache/);
      expect(r.err).not.toMatch(/already exists|\n\s+at /);
    }
    await expect(startServer({ home, rendererDir: home })).rejects.toMatchObject({
      body: { code: 'DB_FOREIGN' },
    });
    expect(sha(file)).toBe(before);
    expect(readdirSync(home).filter((f) => f.startsWith('posrecon.sqlite'))).toEqual(['posrecon.sqlite']);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('marks a new cache with application_id and recognises a cache from before the id by its schema', async () => {
    const home = tempHome();
    const file = path.join(home, 'posrecon.sqlite');
    (await openStore(file)).close();
    const fresh = new Database(file);
    expect(fresh.pragma('application_id', { simple: true })).toBe(POSRECON_APPLICATION_ID);
    // What every cache written before this change looks like: our tables, application_id 0.
    fresh.pragma('application_id = 0');
    fresh.prepare(`INSERT INTO settings (key, value) VALUES ('shopName', '"Kiosk"')`).run();
    fresh.close();
    const store = await openStore(file);
    expect(store.db.pragma('application_id', { simple: true })).toBe(POSRECON_APPLICATION_ID);
    expect(store.db.prepare(`SELECT value FROM settings WHERE key = 'shopName'`).pluck().get()).toBe(
      '"Kiosk"',
    );
    store.close();
  });
});

describe('a damaged cache', () => {
  it('is found before the first write: search, sync and serve refuse it and say how to recover', async () => {
    const { home, file } = await damagedHome();
    const before = sha(file);
    for (const args of [['search', 'kari'], ['sync'], ['demo', '--days', '1']]) {
      const r = await cli([...args, '--home', home]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err, args.join(' ')).toMatch(/is damaged/);
      expect(r.err).toMatch(/restore .*backup.* or move the damaged file away and sync again/);
      expect(r.err).not.toMatch(/Something went wrong/);
    }
    await expect(startServer({ home, rendererDir: home })).rejects.toMatchObject({
      body: { code: 'DB_CORRUPT' },
    });
    expect(sha(file)).toBe(before);
    // A read-only look at a WAL cache may leave an empty -wal beside it; it never holds a page.
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
  });

  it('skips the full check only for a cache posrecon itself closed cleanly and nobody touched since', async () => {
    const home = tempHome();
    const file = path.join(home, 'posrecon.sqlite');
    (await openStore(file)).close();
    expect(stampMatches(file)).toBe(true);
    const open = await openStore(file);
    expect(stampMatches(file)).toBe(false); // a crash from here on means a full check next time
    open.close();
    expect(stampMatches(file)).toBe(true);
    writeFileSync(file, readFileSync(file)); // same bytes, but written by someone else
    expect(stampMatches(file)).toBe(false);
  });

  it('names the newest backup to restore when there is one', async () => {
    const { home, file } = await damagedHome();
    const backup = `${file}.v3-2026-01-01T00-00-00-000Z.bak`;
    writeFileSync(backup, 'a backup');
    const r = await cli(['search', '--home', home]);
    expect(r.err).toContain(`copy ${backup} over ${file}`);
  });

  it('damage found while running stops every later write and answers in plain words', async () => {
    const home = tempHome();
    const core = await createCore({ home });
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    core.store.markDamaged(corrupt);
    const set = await core.dispatch('settings:set', { shopName: 'After damage' });
    expect(set).toMatchObject({ ok: false, error: { code: 'DB_CORRUPT' } });
    expect(!set.ok && set.error.message).toMatch(/stopped writing to it/);
    const get = await core.dispatch('settings:get', {});
    expect(get.ok && (get.value as { shopName: string }).shopName).toBe('My shop');
    core.close();
  });
});

describe('the log', () => {
  it('is a file under the home, and the "see the log" message names it', async () => {
    const home = tempHome();
    const core = await createCore({ home });
    // A bug the dispatcher did not expect: a handler that throws something that is not ours.
    core.store.db.exec('DROP TABLE audit_log');
    const r = await core.dispatch('settings:set', { shopName: 'x' });
    core.close();
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(!r.ok && r.error.message).toContain(`Details are in the log: ${logFile(home)}`);
    await expect
      .poll(() => existsSync(logFile(home)) && readFileSync(logFile(home), 'utf8'))
      .toMatch(/settings:set failed\n.*no such table: audit_log/);
  });
});
