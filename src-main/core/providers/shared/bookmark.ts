import { isIsoDate } from '../../model/time.ts';

/**
 * The date-stream bookmark: `{"through":"YYYY-MM-DD"}`, the last date whose every page was yielded.
 * An unreadable bookmark (hand-edited, older format) is treated as none: the run refetches history,
 * which costs requests but never loses data.
 */
export function readThrough(bookmark: string | null): string | null {
  if (!bookmark) return null;
  try {
    const value = (JSON.parse(bookmark) as { through?: unknown }).through;
    return typeof value === 'string' && isIsoDate(value) ? value : null;
  } catch {
    return null;
  }
}

/** Never moves backwards: an explicit `--since` re-sync must not forget how far an earlier run got. */
export function writeThrough(date: string, previous: string | null): string {
  return JSON.stringify({ through: previous && previous > date ? previous : date });
}
