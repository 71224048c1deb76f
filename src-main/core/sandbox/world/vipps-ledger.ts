import { formatUtcMicros, type ShopCalendar } from './calendar.ts';
import { Rng } from './prng.ts';
import { VIPPS_IDS, type VippsEvent } from './record-vipps.ts';
import type { WorldWriter } from './writer.ts';

export interface LedgerState {
  funds: number;
  fees: number;
  payoutNo: number;
  /** Truth rows whose money has not yet been paid out; a payout settles all of them. */
  unsettled: number[];
}

/**
 * Vipps's funds and fees ledgers. Events are buffered per ledger date (the date of their time in the
 * shop's zone) and written when the date closes, in time order, so balances chain across the whole
 * feed. A closed date ends with fees-retained and, on a bank day (Monday–Friday) when the balance is
 * positive, payout-scheduled.
 */
export class VippsLedger {
  readonly state: LedgerState = { funds: 0, fees: 0, payoutNo: 0, unsettled: [] };
  private readonly buckets = new Map<string, VippsEvent[]>();
  private readonly w: WorldWriter;
  private readonly cal: ShopCalendar;
  private readonly currency: string;
  private readonly seed: number;

  constructor(w: WorldWriter, cal: ShopCalendar, currency: string, seed: number) {
    this.w = w;
    this.cal = cal;
    this.currency = currency;
    this.seed = seed;
  }

  add(ev: VippsEvent): void {
    const date = this.cal.dateOf(ev.timeMs);
    let list = this.buckets.get(date);
    if (!list) this.buckets.set(date, (list = []));
    list.push(ev);
  }

  flush(date: string, closed: boolean): void {
    const events = this.buckets.get(date) ?? [];
    this.buckets.delete(date);
    events.sort((a, b) => a.timeMs - b.timeMs || a.link.saleNo - b.link.saleNo);
    for (const ev of events) writeEvent(this.w, this.cal, this.state, this.currency, date, ev);
    if (closed)
      closeDate(this.w, this.cal, this.state, this.currency, date, new Rng(this.seed, `ledger:${date}`));
  }
}

type EntryType = string;

export function ledgerEntry(
  state: LedgerState,
  topic: 'funds' | 'fees',
  o: {
    psp: string;
    time: string;
    ledgerDate: string;
    entryType: EntryType;
    reference: string;
    currency: string;
    amount: number;
  },
): Record<string, unknown> {
  const before = state[topic];
  state[topic] = before + o.amount;
  return {
    pspReference: o.psp,
    time: o.time,
    ledgerDate: o.ledgerDate,
    entryType: o.entryType,
    reference: o.reference,
    currency: o.currency,
    amount: o.amount,
    balanceBefore: before,
    balanceAfter: state[topic],
    recipientHandle: VIPPS_IDS.recipientHandle,
  };
}

/** Writes one capture/refund to the Sales API and, unless it was cash, to the funds and fees ledgers. */
export function writeEvent(
  w: WorldWriter,
  cal: ShopCalendar,
  state: LedgerState,
  currency: string,
  date: string,
  ev: VippsEvent,
): void {
  const salesKey = { pspReference: ev.psp, reference: ev.reference, entryType: ev.kind };
  const role = ev.role ?? ev.kind;
  for (let i = 0; i < (ev.duplicate ? 2 : 1); i++) {
    w.vippsSales(date, ev.reference, ev.psp, ev.entry);
    const row = w.truth(ev.link, 'vipps', 'sales', i ? 'duplicate-notification' : role, salesKey);
    if (ev.psp) state.unsettled.push(row);
  }
  if (!ev.psp) return;
  const time = ev.offsetForm
    ? cal.formatWithOffset(ev.timeMs, ev.micros)
    : formatUtcMicros(ev.timeMs, ev.micros);
  const common = { psp: ev.psp, time, ledgerDate: date, reference: ev.reference, currency };
  w.vippsReport(
    'funds',
    date,
    ev.psp,
    ledgerEntry(state, 'funds', { ...common, entryType: ev.kind, amount: ev.amount }),
  );
  state.unsettled.push(
    w.truth(ev.link, 'vipps', 'funds', role, { pspReference: ev.psp, entryType: ev.kind }),
  );
  if (ev.fee > 0) {
    w.vippsReport(
      'fees',
      date,
      ev.psp,
      ledgerEntry(state, 'fees', { ...common, entryType: 'capture-fee', amount: ev.fee }),
    );
    state.unsettled.push(
      w.truth(ev.link, 'vipps', 'fees', 'capture-fee', {
        pspReference: ev.psp,
        entryType: 'capture-fee',
      }),
    );
  }
}

function closeDate(
  w: WorldWriter,
  cal: ShopCalendar,
  state: LedgerState,
  currency: string,
  date: string,
  rng: Rng,
): void {
  const endMs = cal.startOf(cal.addDays(date, 1)) - 1;
  const time = formatUtcMicros(endMs, 999);
  const idBase = date.replaceAll('-', '');
  const common = { time, ledgerDate: date, reference: '', currency };
  if (rng.chance(0.05)) {
    // Now and then Vipps books a correction: an entry type the 2023 spec's enum does not list.
    const psp = `${idBase}02`;
    const amount = (rng.chance(0.5) ? 1 : -1) * rng.int(100, 5000);
    const at = formatUtcMicros(endMs - 60_000, 0);
    w.vippsReport(
      'funds',
      date,
      psp,
      ledgerEntry(state, 'funds', { ...common, time: at, psp, entryType: 'correction', amount }),
    );
  }
  if (state.fees > 0) {
    const amount = -state.fees;
    w.vippsReport(
      'fees',
      date,
      `${idBase}01`,
      ledgerEntry(state, 'fees', { ...common, psp: `${idBase}01`, entryType: 'fees-retained', amount }),
    );
    w.vippsReport(
      'funds',
      date,
      `${idBase}01`,
      ledgerEntry(state, 'funds', { ...common, psp: `${idBase}01`, entryType: 'fees-retained', amount }),
    );
  }
  // Vipps pays out on bank days only: a Saturday's and a Sunday's balance carries to Monday's payout,
  // which then settles three ledger dates at once.
  if (state.funds > 0 && cal.weekday(date) <= 5) {
    state.payoutNo += 1;
    const psp = `${2000000 + state.payoutNo}`;
    w.vippsReport(
      'funds',
      date,
      psp,
      ledgerEntry(state, 'funds', { ...common, psp, entryType: 'payout-scheduled', amount: -state.funds }),
    );
    w.setPayout(state.unsettled, { ledgerId: VIPPS_IDS.ledgerId, ledgerDate: date, pspReference: psp });
    state.unsettled = [];
  }
}
