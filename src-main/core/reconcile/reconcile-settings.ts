import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { AppError, fieldIssues } from '../model/app-error.ts';
import { CurrencyCode, IsoDate } from '../api/schemas.ts';
import { appendAudit } from '../store/mutations/audit.ts';
import { get, run, sql } from '../store/sql.ts';

/** One rate: how many units of the shop's currency one unit of `currency` was worth in a period. */
export const FxRate = z.object({
  currency: CurrencyCode,
  rate: z.number().positive('A rate must be above zero').max(1e6),
  from: IsoDate,
  /** Inclusive; null while the rate still applies. */
  to: IsoDate.nullable().default(null),
});
export type FxRate = z.infer<typeof FxRate>;

/*
 * Defaults, from the accuracy runs on four seeds (see test/bench/reconcile-bench.ts): every automatic
 * link at or above 0.80 with a margin of 0.10 over the runner-up was right, and the pairs that scored
 * between 0.45 and 0.80 were right about nine times in ten, which is what a person should look at.
 */
const fields = {
  /** A scored pair at or above this, clearly ahead of its runner-up, is linked without asking. */
  autoAcceptScore: z.number().min(0).max(1),
  /** A scored pair at or above this (and below auto-accept) is suggested for review. */
  reviewScore: z.number().min(0).max(1),
  /** How far ahead of the runner-up an automatic link must be; closer calls go to review. */
  minMargin: z.number().min(0).max(1),
  /** A payment still pending after this many days is a discrepancy. */
  pendingDays: z.number().int().min(1).max(365),
  /** How far apart a sale and its payment may be in time (provider clocks run off). */
  timeWindowMinutes: z.number().int().min(1).max(1440),
  /** A payment above its sale by at most this share of the sale, or by at most tipMaxAmount, is a tip. */
  tipMaxPercent: z.number().min(0).max(1000),
  /** In major units of the shop's currency: a 100 NOK tip on a 60 NOK lunch is a tip, not a mistake. */
  tipMaxAmount: z.number().min(0).max(1e9),
  /** Converted amounts within this share of the sale count as equal (rates move within a day). */
  fxTolerancePercent: z.number().min(0).max(50),
  fxRates: z.array(FxRate).max(10_000),
};

export const DEFAULT_RECONCILE_SETTINGS = {
  autoAcceptScore: 0.8,
  reviewScore: 0.45,
  minMargin: 0.1,
  pendingDays: 3,
  timeWindowMinutes: 30,
  tipMaxPercent: 30,
  tipMaxAmount: 100,
  fxTolerancePercent: 2.5,
  fxRates: [],
};

const valid = (s: { reviewScore?: number; autoAcceptScore?: number }) =>
  s.reviewScore === undefined || s.autoAcceptScore === undefined || s.reviewScore <= s.autoAcceptScore;
const order = {
  message: 'The score to suggest for review must not be above the score to link without asking',
  path: ['reviewScore'],
};
export const ReconcileSettings = z.object(fields).refine(valid, order);
/** What reconcile:configure takes: any of the fields; the merged whole is validated again. */
export const ReconcileSettingsPatch = z.object(fields).partial().strict();
export type ReconcileSettings = z.infer<typeof ReconcileSettings>;

const KEY = 'reconcile';

/** Stored settings over the defaults; a stored value that no longer validates falls back to them. */
export function readReconcileSettings(db: Database): ReconcileSettings {
  const row = get<{ value: string }>(db, sql`SELECT value FROM settings WHERE key = ${KEY}`);
  const stored: unknown = row ? JSON.parse(row.value) : {};
  const parsed = ReconcileSettings.safeParse({ ...DEFAULT_RECONCILE_SETTINGS, ...(stored as object) });
  return parsed.success ? parsed.data : ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS);
}

/** Merges `patch` over the stored settings, validates the whole, and audits the change. */
export function writeReconcileSettings(
  db: Database,
  patch: z.input<typeof ReconcileSettingsPatch>,
  actor: string,
): ReconcileSettings {
  const checked = ReconcileSettings.safeParse({ ...readReconcileSettings(db), ...patch });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new AppError('BAD_INPUT', issue?.message ?? 'These reconciliation settings are not valid.', {
      fields: fieldIssues(checked.error),
    });
  }
  const next = checked.data;
  db.transaction(() => {
    run(
      db,
      sql`INSERT INTO settings (key, value) VALUES (${KEY}, ${JSON.stringify(next)})
          ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    appendAudit(db, { actor, action: 'reconcile:settings', subject: null, details: patch });
  })();
  return next;
}

/** The rate in force for `currency` on `date`, or null when the table has none. */
export function rateFor(settings: ReconcileSettings, currency: string, date: string): number | null {
  let best: FxRate | null = null;
  for (const r of settings.fxRates) {
    if (r.currency !== currency || r.from > date || (r.to !== null && r.to < date)) continue;
    if (!best || r.from > best.from) best = r;
  }
  return best?.rate ?? null;
}
