import type { OperationInput, OperationOutput } from '../../core/api/contract.ts';
import { createCore } from '../../core/core.ts';
import { formatDay, formatMoney } from '../../core/reconcile/describe.ts';
import { type CliIo, EXIT, printError, printJson, printLine } from '../output.ts';

type Dashboard = OperationOutput<'dashboard:get'>;
type Figures = Dashboard['current'];

export interface ReportOptions {
  json: boolean;
  period?: string;
  from?: string;
  to?: string;
}

const count = (n: number) => n.toLocaleString('en-GB');
const percent = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);

/** "+12.5 % on the previous period", or nothing to compare with. */
export function growth(now: number, before: number): string {
  if (before === 0) return now === 0 ? 'no change' : 'nothing in the previous period';
  const change = (now - before) / Math.abs(before);
  return `${change >= 0 ? '+' : '−'}${Math.abs(change * 100).toFixed(1)} % on the previous period`;
}

function revenueLines(io: CliIo, now: Figures, before: Figures): void {
  if (now.revenue.length === 0) printLine(io, 'Revenue: no sales in this period');
  for (const r of now.revenue) {
    const prev = before.revenue.find((x) => x.currency === r.currency);
    const c = r.currency;
    printLine(io, `Revenue ${formatMoney(r.grossMinor, c)} (${growth(r.grossMinor, prev?.grossMinor ?? 0)})`);
    printLine(
      io,
      `  VAT ${formatMoney(r.vatMinor, c)} on itemised receipts; net ${formatMoney(r.netMinor, c)}`,
    );
    printLine(io, `  Sales ${count(r.sales)} (${growth(r.sales, prev?.sales ?? 0)})`);
    if (r.averageMinor !== null)
      printLine(
        io,
        `  Average sale ${formatMoney(r.averageMinor, c)} (${growth(r.averageMinor, prev?.averageMinor ?? 0)})`,
      );
    printLine(io, `  Refunds ${count(r.refunds)}, ${formatMoney(r.refundsMinor, c)}`);
  }
  printLine(
    io,
    `Payments that went through: ${percent(now.successRate)} of ${count(now.attempted)} (previous period ${percent(before.successRate)})`,
  );
  const money = (m: { currency: string; amountMinor: number }[]) =>
    m.length ? m.map((x) => formatMoney(x.amountMinor, x.currency)).join(' + ') : '-';
  printLine(io, `Fees ${money(now.fees)}; payouts ${money(now.payouts)}`);
}

/** The period's figures as a shop manager reads them; --json prints the Dashboard's own object. */
export function printReport(io: CliIo, d: Dashboard): void {
  const c = d.currency;
  const p = d.period;
  printLine(
    io,
    `Sales report, ${formatDay(p.from)} to ${formatDay(p.to)} (${p.days} days, shop time ${d.timeZone})`,
  );
  printLine(io, `Compared with ${formatDay(p.previousFrom)} to ${formatDay(p.previousTo)}`);
  for (const n of d.notes) printLine(io, `  Note: ${n}`);
  printLine(io);
  revenueLines(io, d.current, d.previous);
  printLine(io);
  printLine(io, 'Best days');
  for (const x of d.bestDays)
    printLine(
      io,
      `  ${formatDay(x.date).padEnd(18)} ${formatMoney(x.grossMinor, c).padStart(16)}  ${count(x.sales)} sales`,
    );
  printLine(io, 'Weakest days');
  for (const x of d.worstDays)
    printLine(
      io,
      `  ${formatDay(x.date).padEnd(18)} ${formatMoney(x.grossMinor, c).padStart(16)}  ${count(x.sales)} sales`,
    );
  printLine(io);
  printLine(io, 'Popular payment networks');
  for (const n of d.byNetwork)
    printLine(
      io,
      `  ${n.network.padEnd(12)} ${percent(n.share).padStart(8)}  ${formatMoney(n.amountMinor, c).padStart(16)}  ${count(n.count)} payments`,
    );
  printLine(io, 'Revenue by payment provider');
  for (const x of d.providers)
    printLine(io, `  ${x.label.padEnd(22)} ${formatMoney(x.amountMinor, c).padStart(16)}`);
  printLine(io);
  const f = d.failed;
  printLine(
    io,
    `Failed payments: ${count(f.count)}, of which ${percent(f.retriedShare)} were paid after all`,
  );
  if (f.byNetwork.length)
    printLine(io, `  By network: ${f.byNetwork.map((x) => `${x.network} ${count(x.count)}`).join(', ')}`);
  const hours = [...d.byHour]
    .filter((h) => h.failed > 0)
    .sort((a, b) => b.failed - a.failed)
    .slice(0, 3);
  if (hours.length)
    printLine(
      io,
      `  Most at: ${hours.map((h) => `${String(h.hour).padStart(2, '0')}:00 (${count(h.failed)})`).join(', ')}`,
    );
  printLine(io);
  const r = d.reconciliation;
  if (!r.reconciled) printLine(io, 'Reconciliation: not run yet (posrecon reconcile)');
  else {
    printLine(
      io,
      `Reconciliation: ${percent(r.linkedShare)} of sales linked to their payment; ${count(r.review)} to review, ${count(r.unmatched)} unmatched, ${count(r.unmatchedPayments)} payments with no sale`,
    );
    for (const k of r.classes.filter((x) => x.count > 0)) printLine(io, `  ${k.label}: ${count(k.count)}`);
  }
  const gaps = d.completeness
    .map((x) => ({ name: x.name, partial: x.days.filter((day) => day.state === 'partial').length }))
    .filter((x) => x.partial > 0);
  printLine(
    io,
    gaps.length
      ? `Incomplete days: ${gaps.map((g) => `${g.name} ${g.partial}`).join(', ')}`
      : 'Every checked day is complete at every provider.',
  );
}

/** `posrecon report`: the Dashboard's figures for a period, from the local cache, offline. */
export async function runReport(home: string, o: ReportOptions, io: CliIo): Promise<number> {
  if (Boolean(o.from) !== Boolean(o.to)) {
    printError(io, o.json, 'BAD_INPUT', 'Give both --from and --to, or neither (then --period decides).');
    return EXIT.USAGE;
  }
  const input = (
    o.from ? { preset: 'custom', from: o.from, to: o.to } : { preset: o.period ?? 'last30' }
  ) as OperationInput<'dashboard:get'>;
  const core = await createCore({ home, actor: 'cli' });
  try {
    const result = await core.dispatch('dashboard:get', input);
    if (!result.ok) {
      printError(io, o.json, result.error.code, result.error.message);
      return result.error.code === 'BAD_INPUT' ? EXIT.USAGE : EXIT.FAILURE;
    }
    const d = result.value as Dashboard;
    if (o.json) printJson(io, d);
    else printReport(io, d);
    return EXIT.OK;
  } finally {
    core.close();
  }
}
