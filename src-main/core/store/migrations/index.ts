import type { Migration } from './migration.ts';
import { migration0001 } from './0001-initial.ts';

/** Every migration in order. Append only: a shipped migration is never edited or removed. */
export const MIGRATIONS: readonly Migration[] = [migration0001];

export const SCHEMA_VERSION = MIGRATIONS.length;
