import type { Database } from 'better-sqlite3';
import { formatBusinessDate, formatShopTime, localeFromEnv } from '../../core/model/display-time.ts';
import { readSettings } from '../../core/store/queries/settings.ts';

/** How a command's text output writes days and times: the shop's zone, the reader's locale. */
export interface TextClock {
  /** A business date (already the shop's day). */
  date(day: string): string;
  /** A stored ISO UTC instant, in the shop's zone with the zone named. */
  time(iso: string): string;
}

export function textClock(db: Database, env: NodeJS.ProcessEnv | undefined): TextClock {
  const { timeZone } = readSettings(db);
  const locale = localeFromEnv(env ?? {});
  return {
    date: (day) => formatBusinessDate(day, locale),
    time: (iso) => formatShopTime(iso, timeZone, locale),
  };
}
