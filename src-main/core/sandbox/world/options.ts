import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';

/** Rates (0–1) of each imperfection the generator injects; every one is a trap a reconciler must survive. */
export interface ImperfectionRates {
  missingReference: number;
  mistypedReference: number;
  tip: number;
  partialRefund: number;
  fullRefund: number;
  lateRefund: number; // share of refunds that arrive days later instead of minutes later
  failedThenRetry: number;
  duplicateNotification: number;
  splitPayment: number;
  cash: number; // share of Vipps mPOS sales paid in cash (pspReference null)
  clockSkew: number;
  nearMidnight: number;
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
  splitPayment: 0.02,
  cash: 0.05,
  clockSkew: 0.3,
  nearMidnight: 0.02,
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
  rates?: Partial<ImperfectionRates>;
  /** Share of sales paid through each provider. */
  providerMix?: Partial<Record<'vipps' | 'sensepass' | 'cents' | 'tgi', number>>;
}

export interface ResolvedWorldOptions {
  seed: number;
  days: number;
  salesPerDay: number;
  timeZone: string;
  currency: string;
  sensePassCurrencies: string[];
  today: string;
  /** The generator's "now": noon of `today` in the shop's zone, so today is a half-traded, open day. */
  nowMs: number;
  firstDay: string;
  rates: ImperfectionRates;
  providerMix: Record<'vipps' | 'sensepass' | 'cents' | 'tgi', number>;
}

// Bumped whenever generation changes, so cached world files from an older generator are not reused.
export const GENERATOR_VERSION = 3;

export function resolveWorldOptions(opts: WorldOptions = {}): ResolvedWorldOptions {
  const timeZone = opts.timeZone ?? 'Europe/Oslo';
  if (!DateTime.now().setZone(timeZone).isValid) throw new Error(`unknown time zone: ${timeZone}`);
  const today = opts.today ?? DateTime.now().setZone(timeZone).toISODate();
  const todayDt = DateTime.fromISO(today ?? '', { zone: timeZone });
  if (!todayDt.isValid || today === null) throw new Error(`invalid today: ${opts.today}`);
  const days = opts.days ?? 60;
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
    nowMs: todayDt.set({ hour: 12 }).toMillis(),
    firstDay: todayDt.minus({ days: days - 1 }).toISODate() ?? today,
    rates: { ...DEFAULT_RATES, ...opts.rates },
    providerMix: { vipps: 0.4, tgi: 0.3, sensepass: 0.15, cents: 0.15, ...opts.providerMix },
  };
}

/** A stable key for caching the generated SQLite file. */
export function worldKey(o: ResolvedWorldOptions): string {
  const canonical = JSON.stringify({ v: GENERATOR_VERSION, ...o });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
