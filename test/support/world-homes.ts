import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseFile } from '../../src-main/core/home.ts';

/**
 * Homes of their own, each holding a copy of a synced world's cache, so a test changes its copy and
 * the world stays as synced for the next; `removeAll` deletes them (and any homes given).
 */
export function worldHomes(prefix: string) {
  const homes: string[] = [];
  return {
    copy(dbFile: string): string {
      const home = mkdtempSync(path.join(os.tmpdir(), prefix));
      homes.push(home);
      copyFileSync(dbFile, databaseFile(home));
      return home;
    },
    removeAll(...others: string[]): void {
      for (const h of [...others, ...homes]) rmSync(h, { recursive: true, force: true });
    },
  };
}

/** The home's cache for the length of `fn`, with foreign keys on as the app's store has them. */
export function withDb<T>(home: string, fn: (db: Database.Database) => T): T {
  const db = new Database(databaseFile(home));
  try {
    db.pragma('foreign_keys = ON');
    return fn(db);
  } finally {
    db.close();
  }
}
