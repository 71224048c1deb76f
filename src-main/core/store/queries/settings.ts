import type { Database } from 'better-sqlite3';
import { Settings } from '../../model/settings.ts';
import { all, sql } from '../sql.ts';

/** What a new install starts with; the demo shop is Norwegian, as are most of our merchants. */
export const DEFAULT_SETTINGS: Settings = { shopName: 'My shop', timeZone: 'Europe/Oslo', currency: 'NOK' };

/**
 * Stored values over the defaults. A stored value that no longer validates (say, a zone ICU dropped)
 * falls back to the default rather than making the whole app unusable.
 */
export function readSettings(db: Database): Settings {
  const rows = all<{ key: string; value: string }>(db, sql`SELECT key, value FROM settings`);
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const row of rows) {
    if (!(row.key in DEFAULT_SETTINGS)) continue;
    const field = Settings.shape[row.key as keyof Settings];
    const parsed = field.safeParse(JSON.parse(row.value));
    if (parsed.success) merged[row.key] = parsed.data;
  }
  return Settings.parse(merged);
}
