import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';

/** Rates (0–1) of each imperfection the generator injects; every one is a trap a reconciler must survive. */
export interface ImperfectionRates {
  /** Share of payments whose provider record carries no POS reference (Vipps, SensePass, Cents). */
  missingReference: number;
  /**
   * Share of payments whose reference was keyed wrongly at the till: two adjacent characters swapped,
   * the last 1–3 characters cut off, the other letter case, a stray space (leading, trailing or inner)
   * or one character dropped; each provider picks one of these per payment (see `mistype`).
   */
  mistypedReference: number;
  /** Share of payments (not Cents, not cash) with a tip: the provider's amount exceeds the POS row's. */
  tip: number;
  /** Shares of payments refunded in part (the last line, or half) and in full. */
  partialRefund: number;
  fullRefund: number;
  /**
   * Share of refunds that arrive 3–20 days later instead of minutes later; a late Vipps refund then
   * always lands after the payout that settled its capture (a payout is at most 3 days after a capture).
   */
  lateRefund: number;
  /** A declined attempt (its own POS row and provider record) 90 s before the successful one. */
  failedThenRetry: number;
  /** The same provider record delivered twice (same id): a notification repeated, not a second charge. */
  duplicateNotification: number;
  /**
   * The provider charged the customer twice: a second record with its own new id, the same amount and
   * reference, 10–90 s after the first, completed (and for Vipps its own funds entry and capture fee).
   */
  duplicateCharge: number;
  /** Share of sales of 20.00 or more paid in two parts through two different providers. */
  splitPayment: number;
  cash: number; // share of Vipps mPOS sales paid in cash (pspReference null)
  /** Share of payments whose provider time wanders −3..+5 min from the POS (else 1–20 s after it). */
  clockSkew: number;
  /** Share of sales within 10 minutes of midnight, where clock offsets move records across days. */
  nearMidnight: number;
  /**
   * Share of sales followed 15–55 s later by a sale of identical lines from another customer, paid
   * with the same provider (and the same tip and currency), so amount and time alone cannot tell them apart.
   */
  sameAmountNeighbour: number;
}

export const DEFAULT_RATES: ImperfectionRates = {
  missingReference: 0.01,
  mistypedReference: 0.01,
  tip: 0.05,
  partialRefund: 0.02,
  fullRefund: 0.01,
  lateRefund: 0.5,
  failedThenRetry: 0.02,
  duplicateNotification: 0.01,
  duplicateCharge: 0.005,
  splitPayment: 0.02,
  cash: 0.05,
  clockSkew: 0.3,
  nearMidnight: 0.02,
  sameAmountNeighbour: 0.01,
};

export type PayProvider = 'vipps' | 'tgi' | 'sensepass' | 'cents';

/**
 * Each provider's clock runs a constant offset from the POS's (ms, added to every provider time on top of
 * the per-payment jitter): a terminal or gateway clock a few minutes off is common, and it moves records
 * across the matching window and, near midnight, across days.
 */
export const DEFAULT_CLOCK_OFFSETS_MS: Record<PayProvider, number> = {
  vipps: 0,
  tgi: 4 * 60_000,
  sensepass: -3 * 60_000,
  cents: 2 * 60_000,
};

export interface WorldOptions {
  seed?: number;
  days?: number;
  salesPerDay?: number;
  timeZone?: string;
  currency?: string;
  /** Currencies SensePass settles in: the shop's second-currency case (default ILS and USD). */
  sensePassCurrencies?: string[];
  today?: string;
  /**
   * The world's "now" (epoch ms); it sets `today` too. Default: 12:00 of `today`. A demo passes the
   * clock's time, so a world generated later holds everything the earlier one did, plus what happened since.
   */
  now?: number;
  /** The world's first day, instead of `days`: the world then grows by one day each day. */
  firstDay?: string;
  rates?: Partial<ImperfectionRates>;
  /** Share of sales paid through each provider. */
  providerMix?: Partial<Record<'vipps' | 'sensepass' | 'cents' | 'tgi', number>>;
  /** Constant clock offset of each provider against the POS, in ms (see DEFAULT_CLOCK_OFFSETS_MS). */
  clockOffsetsMs?: Partial<Record<PayProvider, number>>;
}

export interface ResolvedWorldOptions {
  seed: number;
  days: number;
  salesPerDay: number;
  timeZone: string;
  currency: string;
  sensePassCurrencies: string[];
  today: string;
  /** The generator's "now": by default noon of `today` in the shop's zone, so today is a half-traded, open day. */
  nowMs: number;
  firstDay: string;
  rates: ImperfectionRates;
  providerMix: Record<'vipps' | 'sensepass' | 'cents' | 'tgi', number>;
  clockOffsetsMs: Record<PayProvider, number>;
}

// Bumped whenever generation changes, so cached world files from an older generator are not reused.
export const GENERATOR_VERSION = 5;

export function resolveWorldOptions(opts: WorldOptions = {}): ResolvedWorldOptions {
  const timeZone = opts.timeZone ?? 'Europe/Oslo';
  if (!DateTime.now().setZone(timeZone).isValid) throw new Error(`unknown time zone: ${timeZone}`);
  const nowDt = opts.now === undefined ? null : DateTime.fromMillis(opts.now, { zone: timeZone });
  if (nowDt && !nowDt.isValid) throw new Error(`invalid now: ${opts.now}`);
  const today = nowDt?.toISODate() ?? opts.today ?? DateTime.now().setZone(timeZone).toISODate();
  const todayDt = DateTime.fromISO(today ?? '', { zone: timeZone });
  if (!todayDt.isValid || today === null) throw new Error(`invalid today: ${opts.today}`);
  const firstDt = opts.firstDay === undefined ? null : DateTime.fromISO(opts.firstDay, { zone: timeZone });
  if (firstDt && (!firstDt.isValid || firstDt > todayDt))
    throw new Error(`invalid firstDay: ${opts.firstDay}`);
  const days = firstDt ? Math.round(todayDt.diff(firstDt, 'days').days) + 1 : (opts.days ?? 60);
  if (!Number.isInteger(days) || days < 1) throw new Error('days must be a positive integer');
  const salesPerDay = opts.salesPerDay ?? 120;
  if (!(salesPerDay >= 0)) throw new Error('salesPerDay must be >= 0');
  return {
    seed: opts.seed ?? 1,
    days,
    salesPerDay,
    timeZone,
    currency: opts.currency ?? 'NOK',
    sensePassCurrencies: opts.sensePassCurrencies ?? ['ILS', 'USD'],
    today,
    nowMs: nowDt?.toMillis() ?? todayDt.set({ hour: 12 }).toMillis(),
    firstDay: todayDt.minus({ days: days - 1 }).toISODate() ?? today,
    rates: { ...DEFAULT_RATES, ...opts.rates },
    providerMix: { vipps: 0.4, tgi: 0.3, sensepass: 0.15, cents: 0.15, ...opts.providerMix },
    clockOffsetsMs: { ...DEFAULT_CLOCK_OFFSETS_MS, ...opts.clockOffsetsMs },
  };
}

/** A stable key for caching the generated SQLite file. */
export function worldKey(o: ResolvedWorldOptions): string {
  const canonical = JSON.stringify({ v: GENERATOR_VERSION, ...o });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
