import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ShopCalendar } from './calendar.ts';
import { WEEKDAY_FACTOR } from './catalog.ts';
import { dumpGroundTruth } from './ground-truth.ts';
import type { ResolvedWorldOptions } from './options.ts';
import { Rng } from './prng.ts';
import { writeCents } from './record-cents.ts';
import { writeSensePass } from './record-sensepass.ts';
import { writeSentryPos } from './record-sentrypos.ts';
import { writeTgi } from './record-tgi.ts';
import { writeVipps } from './record-vipps.ts';
import { planSale, tagNeighbours, type SalePlan } from './sale-plan.ts';
import { createIndexes, createTables } from './schema.ts';
import { VippsLedger } from './vipps-ledger.ts';
import { WorldWriter } from './writer.ts';

/** A day's sales up to the world's "now", in time order; the day's random stream does not depend on "now". */
function plansForDay(
  o: ResolvedWorldOptions,
  cal: ShopCalendar,
  date: string,
  rng: Rng,
): { plan: SalePlan; stream: string }[] {
  const factor = WEEKDAY_FACTOR[cal.weekday(date)] ?? 1;
  const count = Math.round(o.salesPerDay * factor * (0.85 + 0.3 * rng.next()));
  const plans: { plan: SalePlan; stream: string }[] = [];
  const neighbours: [SalePlan, SalePlan][] = [];
  for (let i = 0; i < count; i++) {
    const plan = planSale(rng, o, cal, date, 0);
    plans.push({ plan, stream: `sale:${date}:${i}` });
    const [payment, ...more] = plan.payments;
    if (!payment || more.length || !rng.chance(o.rates.sameAmountNeighbour)) continue;
    const lines = payment.lines;
    const neighbour = planSale(rng, o, cal, date, 0, { posTimeMs: plan.posTimeMs, lines, payment });
    plans.push({ plan: neighbour, stream: `sale:${date}:${i}:neighbour` });
    neighbours.push([plan, neighbour]);
  }
  const happened = (p: SalePlan) => p.posTimeMs <= o.nowMs;
  for (const pair of neighbours) if (pair.every(happened)) tagNeighbours(...pair);
  return plans.filter((p) => happened(p.plan)).sort((a, b) => a.plan.posTimeMs - b.plan.posTimeMs);
}

/**
 * Generates the whole world into a fresh SQLite file (written beside `dbPath` and renamed into place
 * when complete, so a crash never leaves a half world that looks cached). Each day has its own random
 * stream, so the same options always produce byte-identical files.
 */
export function generateWorld(o: ResolvedWorldOptions, dbPath: string, truthPath: string): void {
  const tmp = `${dbPath}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const db = new Database(tmp);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    createTables(db);
    const w = new WorldWriter(db);
    const cal = new ShopCalendar(o.timeZone, o.firstDay, o.today);
    const ledger = new VippsLedger(w, cal, o.currency, o.seed);
    let saleNo = 0;
    let date = o.firstDay;
    for (let d = 0; d < o.days; d++) {
      const rng = new Rng(o.seed, `day:${date}`);
      const plans = plansForDay(o, cal, date, rng);
      const previous = cal.addDays(date, -1);
      db.transaction(() => {
        for (const { plan, stream } of plans) {
          // Numbered after sorting, so invoice numbers rise with time as a till's do.
          plan.saleNo = ++saleNo;
          plan.invoiceId = `inv_${String(saleNo).padStart(7, '0')}${plan.invoiceId.slice(-4)}`;
          for (const p of plan.payments) {
            // Each payment's records draw from a stream of their own: a refund that has now happened,
            // or a payment no longer pending, does not shift the ids of any other record.
            const payRng = new Rng(o.seed, `${stream}:${p.part}`);
            writeSentryPos(w, plan, p);
            if (p.provider === 'vipps') writeVipps(ledger, cal, payRng, plan, p, o.currency);
            else if (p.provider === 'tgi') writeTgi(w, payRng, plan, p);
            else if (p.provider === 'sensepass') writeSensePass(w, payRng, plan, p, o.currency);
            else writeCents(w, payRng, plan, p, o.currency);
          }
        }
        // Dates close one day late: skewed provider clocks move events across midnight (on the first
        // day, onto the day before the world starts).
        ledger.flush(previous, true);
        if (d === o.days - 1) ledger.flush(date, false);
      })();
      date = cal.addDays(date, 1);
    }
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('options', JSON.stringify(o));
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('ledger', JSON.stringify(ledger.state));
    createIndexes(db);
    db.exec('ANALYZE');
    dumpGroundTruth(db, truthPath, o);
  } finally {
    db.close();
  }
  renameSync(tmp, dbPath);
}
