import type { Database } from 'better-sqlite3';

/** One numbered schema step: plain SQL, or a function for steps that must transform data. */
export interface Migration {
  version: number;
  name: string;
  sql?: string;
  up?: (db: Database) => void;
}
