import type { World } from '../../world/world.ts';

const PERIOD_SQL = {
  day: "date(created_ms / 1000, 'unixepoch')",
  week: "date(created_ms / 1000, 'unixepoch', 'weekday 0', '-6 days')",
  month: "strftime('%Y-%m-01', created_ms / 1000, 'unixepoch')",
};

interface Cell {
  date: string;
  network: string;
  n: number;
  ok: number;
  amount: number;
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 10000) / 10000 : 0);

/**
 * Provider-side totals over the same rows the list serves. Amounts count completed sales only;
 * `transactions` counts every attempt, so successRate = completed / all. Periods are UTC days, weeks
 * (from Monday) or months, like the list's date filters. One pass over a covering index.
 */
export function salesSummary(
  w: World,
  range: { from: number; to: number },
  groupBy: keyof typeof PERIOD_SQL,
) {
  const cells = w.all<Cell>(
    `SELECT ${PERIOD_SQL[groupBy]} AS date, network, count(*) AS n, sum(status = 'COMPLETED') AS ok,
       sum(CASE WHEN status = 'COMPLETED' THEN amount ELSE 0 END) AS amount
     FROM sentrypos_sales INDEXED BY sentrypos_sales_summary
     WHERE created_ms BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2`,
    range.from,
    range.to,
  );
  const periods = new Map<
    string,
    { date: string; amountCents: number; transactions: number; successfulTransactions: number }
  >();
  const networks = new Map<string, { network: string; amountCents: number; transactions: number }>();
  let n = 0;
  let ok = 0;
  let amount = 0;
  for (const c of cells) {
    n += c.n;
    ok += c.ok;
    amount += c.amount;
    const p = periods.get(c.date) ?? {
      date: c.date,
      amountCents: 0,
      transactions: 0,
      successfulTransactions: 0,
    };
    p.amountCents += c.amount;
    p.transactions += c.n;
    p.successfulTransactions += c.ok;
    periods.set(c.date, p);
    const k = networks.get(c.network) ?? { network: c.network, amountCents: 0, transactions: 0 };
    k.amountCents += c.amount;
    k.transactions += c.n;
    networks.set(c.network, k);
  }
  return {
    summary: {
      totalAmountCents: amount,
      totalTransactions: n,
      averageTransactionCents: ok ? Math.round(amount / ok) : 0,
      successRate: ratio(ok, n),
    },
    dailyBreakdown: [...periods.values()],
    networkBreakdown: [...networks.values()]
      .sort((a, b) => b.amountCents - a.amountCents || a.network.localeCompare(b.network))
      .map((k) => ({ ...k, percentage: ratio(k.amountCents, amount) })),
  };
}
