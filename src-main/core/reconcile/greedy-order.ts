import type { Rec } from './load-day.ts';
import { stableOrder } from './match-day.ts';

/*
 * The scored stage's greedy order, and who claims a record at which point of a day's pass: what the
 * decision's re-match (grow.ts) compares a new matching against the stored one by.
 */

/** A link of the scored stage, as the greedy ranks it. */
export interface Link {
  t: Rec;
  p: Rec;
  /** The anchor day of the sale: a day's pairs all come before the next day's. */
  day: string;
  score: number;
  closeness: number;
  auto: boolean;
  runnerUp: { tender: number; payment: number; score: number } | null;
  key: string;
}

/** Who takes a tender or a payment, and at which point of its day's pass. */
export interface Claim {
  key: string;
  day: string;
  /**
   * 0: before the scored stage (a person's or a key's link, a duplicate of a keyed payment), 1: by a
   * scored link, 2: after it (a duplicate charge attached to a linked payment).
   */
  phase: 0 | 1 | 2;
  link: Link | null;
  /** A link's tender or payment; else a duplicate charge. */
  pair: boolean;
}

export interface StoredPair {
  tender: number;
  payment: number;
  how: string;
  status: string;
  runnerUp: { tender: number; payment: number; score: number } | null;
}

/**
 * A duplicate charge that carries its sale's invoice id was found among the sale's keyed payments,
 * before the scored stage; any other was attached after it (attach.ts).
 */
export const duplicatePhase = (r: Rec, key: string): 0 | 2 => {
  const invoice = key.slice(key.indexOf(':', 5) + 1);
  return r.refs.includes(invoice) || (r.provider === 'tgi' && r.externalId === invoice) ? 0 : 2;
};
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The greedy's order: day, best score, closest, then the pair's stable order (tender, then payment). */
export const rank = (
  a: Omit<Link, 'auto' | 'runnerUp' | 'key'>,
  b: Omit<Link, 'auto' | 'runnerUp' | 'key'>,
) =>
  text(a.day, b.day) ||
  b.score - a.score ||
  a.closeness - b.closeness ||
  stableOrder(a.t, b.t) ||
  stableOrder(a.p, b.p);
