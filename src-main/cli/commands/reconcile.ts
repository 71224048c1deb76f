import type { z } from 'zod';
import type { OperationInput, OperationName } from '../../core/api/contract.ts';
import type { ReconcileExplanation, ReconcileSummary } from '../../core/api/reconcile-schemas.ts';
import { createCore, type Core } from '../../core/core.ts';
import { formatDay, formatMoney, providerName } from '../../core/reconcile/describe.ts';
import { counted } from '../../core/model/counted.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';
import { type TextClock, textClock } from './text-clock.ts';

type Summary = z.infer<typeof ReconcileSummary>;

const count = (n: number) => n.toLocaleString('en-GB');
const moneyList = (m: { currency: string; amountMinor: number }[]) =>
  m.length ? m.map((x) => formatMoney(x.amountMinor, x.currency)).join(' + ') : '-';

/** The summary as a shop manager reads it: totals, per provider, what does not add up, payouts. */
export function printSummary(io: CliIo, s: Summary): void {
  const period =
    s.from || s.to
      ? `${s.from ? formatDay(s.from) : 'the start'} to ${s.to ? formatDay(s.to) : 'today'}`
      : 'every day in the cache';
  printLine(io, `Reconciliation, ${period}`);
  for (const w of s.warnings) printLine(io, `  Warning: ${w}`);
  const t = s.totals;
  printLine(
    io,
    `Sales: ${count(t.sales)}, linked ${count(t.linked)} (${(t.linkedShare * 100).toFixed(1)} % of those that need a payment), in review ${count(t.review)}, unmatched ${count(t.unmatched)}, explained ${count(t.explained)}`,
  );
  printLine(io, `Payments with no sale: ${count(t.unmatchedPayments)}`);
  printLine(io);
  const byProvider = new Map<
    string,
    { linked: number; review: number; unmatched: number; money: Map<string, [number, number, number]> }
  >();
  for (const r of s.rows) {
    const p = byProvider.get(r.provider) ?? { linked: 0, review: 0, unmatched: 0, money: new Map() };
    p.linked += r.linked;
    p.review += r.review;
    p.unmatched += r.unmatched;
    for (const m of r.money) {
      const x = p.money.get(m.currency) ?? [0, 0, 0];
      p.money.set(m.currency, [x[0] + m.linkedMinor, x[1] + m.reviewMinor, x[2] + m.unmatchedMinor]);
    }
    byProvider.set(r.provider, p);
  }
  printLine(
    io,
    `${'Paid through'.padEnd(20)} ${'Linked'.padStart(8)} ${'Review'.padStart(7)} ${'Unmatched'.padStart(9)}  Linked money / unmatched money`,
  );
  for (const [provider, p] of [...byProvider].sort(([a], [b]) => a.localeCompare(b))) {
    // Sales that need no payment (cash) are counted under "Explained" below, not as a row of zeros.
    if (p.linked + p.review + p.unmatched === 0) continue;
    const name = provider === 'none' ? '(no payment found)' : providerName(provider);
    const money = [...p.money]
      .map(([c, [l, , u]]) => `${formatMoney(l, c)}${u ? ` / ${formatMoney(u, c)}` : ''}`)
      .join('; ');
    printLine(
      io,
      `${name.padEnd(20)} ${count(p.linked).padStart(8)} ${count(p.review).padStart(7)} ${count(p.unmatched).padStart(9)}  ${money}`,
    );
  }
  printLine(io);
  printLine(io, "What doesn't add up");
  for (const c of s.classes)
    printLine(io, `  ${c.label.padEnd(44)} ${count(c.count).padStart(6)}  ${moneyList(c.money)}`);
  const e = s.explained;
  printLine(
    io,
    `Explained, not problems: ${counted(e.cash, 'cash sale', 'cash sales')}, ${counted(e.failedAttempts, 'failed attempt that was retried', 'failed attempts that were retried')}, ${counted(e.pendingYoung, 'sale still pending', 'sales still pending')}`,
  );
  if (s.payouts.length) {
    const off = s.payouts.filter((p) => p.differenceMinor !== 0);
    printLine(io);
    printLine(
      io,
      `Vipps payouts: ${s.payouts.length}, ${s.payouts.length - off.length} equal to the captures minus refunds and fees they settle, ${off.length} differ`,
    );
    for (const p of [...off, ...s.payouts.filter((x) => x.differenceMinor === 0)].slice(0, 8)) {
      const diff =
        p.differenceMinor === 0 ? 'as expected' : `${formatMoney(p.differenceMinor, p.currency)} off`;
      printLine(
        io,
        `  ${formatDay(p.ledgerDate).padEnd(18)} paid ${formatMoney(p.actualMinor, p.currency).padStart(16)}, expected ${formatMoney(p.expectedMinor, p.currency).padStart(16)}: ${diff}`,
      );
    }
    if (s.payouts.length > 8) printLine(io, `  … and ${s.payouts.length - 8} more (--json lists them all)`);
  }
}

export function printExplanation(io: CliIo, e: z.infer<typeof ReconcileExplanation>, clock: TextClock): void {
  printLine(io, e.text);
  printLine(
    io,
    // A record in no group (a day's fees, a lone payment) was linked by nothing and has no version.
    `State: ${e.state}${e.method === 'none' ? '' : `, linked by ${e.method}`}${e.score === null ? '' : `, score ${e.score.toFixed(2)}`}${e.version ? `  (version ${e.version})` : ''}`,
  );
  for (const m of e.members) {
    printLine(
      io,
      `  ${m.role.padEnd(16)} #${String(m.id).padEnd(8)} ${providerName(m.provider).padEnd(10)} ${formatMoney(m.amountMinor, m.currency).padStart(14)}  ${clock.time(m.occurredAt)}  ${m.status}`,
    );
  }
  for (const p of e.pairs) {
    printLine(io, `  #${p.tenderId} ↔ #${p.paymentId}: ${p.status}, ${p.how}, score ${p.score.toFixed(2)}`);
    for (const f of p.fields)
      printLine(
        io,
        `      ${f.label.padEnd(15)} ${f.score === null ? '  - ' : f.score.toFixed(2)}  ${f.note}`,
      );
    if (p.runnerUp) {
      // Named by what it is: the members above are listed by id, the runner-up is not among them.
      const r = p.runnerUp.record;
      const id = r?.side === 'sale' ? p.runnerUp.tenderId : p.runnerUp.paymentId;
      const what = !r
        ? `#${id}, no longer in the cache`
        : `${r.side === 'payment' ? `another ${providerName(r.provider)} payment` : 'another sale'} #${id}, ${formatMoney(r.amountMinor, r.currency)} at ${clock.time(r.occurredAt)}`;
      printLine(io, `      Runner-up: ${what} (score ${p.runnerUp.score.toFixed(2)}): ${p.runnerUp.why}`);
    }
  }
  for (const r of e.refunds)
    printLine(
      io,
      `  Refund #${r.refundId}${r.paymentId === null ? ' of the sale' : ` of payment #${r.paymentId}`}: ${r.note}${r.status === 'suggested' ? '; waiting for a decision' : ''}`,
    );
  for (const d of e.discrepancies) printLine(io, `  ! ${d.text}`);
  for (const p of e.payouts)
    printLine(io, `  Paid out ${formatDay(p.ledgerDate)}: ${formatMoney(p.actualMinor, p.currency)}`);
}

async function withCore(
  home: string,
  json: boolean,
  io: CliIo,
  fn: (core: Core) => Promise<number>,
): Promise<number> {
  const core = await createCore({ home, actor: 'cli' });
  try {
    return await fn(core);
  } finally {
    core.close();
  }
}

/** Calls one operation; an error is printed in plain words (exit 1). */
async function call<N extends OperationName>(
  core: Core,
  io: CliIo,
  json: boolean,
  name: N,
  input: OperationInput<N>,
): Promise<unknown> {
  const result = await core.dispatch(name, input);
  if (!result.ok) {
    printError(io, json, result.error.code, result.error.message);
    return undefined;
  }
  return result.value;
}

export interface ReconcileOptions {
  json: boolean;
  from?: string;
  to?: string;
  full?: boolean;
}

/** `posrecon reconcile`: brings reconciliation up to date with the cache, then prints the summary. */
export async function runReconcileSummary(home: string, o: ReconcileOptions, io: CliIo): Promise<number> {
  return withCore(home, o.json, io, async (core) => {
    const run = await call(core, io, o.json, 'reconcile:run', { full: o.full ?? false });
    if (run === undefined) return EXIT.FAILURE;
    const s = (await call(core, io, o.json, 'reconcile:summary', { from: o.from, to: o.to })) as
      Summary | undefined;
    if (!s) return EXIT.FAILURE;
    if (o.json) printJson(io, { run, summary: s });
    else printSummary(io, s);
    return EXIT.OK;
  });
}

export async function runReconcileList(
  home: string,
  o: {
    json: boolean;
    state: string;
    class?: string;
    from?: string;
    to?: string;
    limit: number;
    cursor?: string;
  },
  io: CliIo,
): Promise<number> {
  return withCore(home, o.json, io, async (core) => {
    const page = (await call(core, io, o.json, 'reconcile:list', {
      state: o.state as OperationInput<'reconcile:list'>['state'],
      class: o.class as OperationInput<'reconcile:list'>['class'],
      from: o.from,
      to: o.to,
      limit: o.limit,
      cursor: o.cursor,
    })) as
      | {
          items: { key: string; date: string; text: string; version: string | null }[];
          nextCursor: string | null;
        }
      | undefined;
    if (!page) return EXIT.FAILURE;
    if (o.json) printJson(io, page);
    else {
      if (!page.items.length) printLine(io, 'Nothing here.');
      for (const i of page.items)
        printLine(
          io,
          `${i.date}  ${i.text}\n            ${i.key}${i.version ? `  (version ${i.version})` : ''}`,
        );
      if (page.nextCursor) printLine(io, `More: --cursor ${page.nextCursor}`);
    }
    return EXIT.OK;
  });
}

export async function runReconcileDecision(
  home: string,
  o: {
    json: boolean;
    action: 'accept' | 'reject' | 'link' | 'unlink' | 'undo' | 'explain';
    key?: string;
    payment?: number;
    version?: string;
    decision?: number;
    note?: string;
  },
  io: CliIo,
): Promise<number> {
  return withCore(home, o.json, io, async (core) => {
    if (o.action === 'explain') {
      const e = (await call(core, io, o.json, 'reconcile:explain', { key: o.key ?? '' })) as
        z.infer<typeof ReconcileExplanation> | undefined;
      if (!e) return EXIT.FAILURE;
      if (o.json) printJson(io, e);
      else printExplanation(io, e, textClock(core.store.db, io.env));
      return EXIT.OK;
    }
    const out =
      o.action === 'undo'
        ? await call(core, io, o.json, 'reconcile:undo', { decisionId: o.decision })
        : await call(core, io, o.json, 'reconcile:decide', {
            action: o.action,
            groupKey: o.key ?? '',
            version: o.version,
            transactionId: o.payment,
            note: o.note,
          });
    if (out === undefined) return EXIT.FAILURE;
    if (o.json) printJson(io, out);
    else {
      const r = out as {
        group: z.infer<typeof ReconcileExplanation> | null;
        undone?: { id: number; action: string };
      };
      if (r.undone) printLine(io, `Undone: decision ${r.undone.id} (${r.undone.action}).`);
      else printLine(io, `Saved: ${o.action}.`);
      if (r.group) printExplanation(io, r.group, textClock(core.store.db, io.env));
    }
    return EXIT.OK;
  });
}
