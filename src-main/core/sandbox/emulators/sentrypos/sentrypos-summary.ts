import type { World } from '../../world/world.ts';

const PERIOD_SQL = {
  day: "date(created_ms / 1000, 'unixepoch')",
  week: "date(created_ms / 1000, 'unixepoch', 'weekday 0', '-6 days')",
  month: "strftime('%Y-%m-01', created_ms / 1000, 'unixepoch')",
};

/**
 * Provider-side totals over the same rows the list serves. Amounts count completed sales only;
 * `transactions` counts every attempt, so successRate = completed / all. Periods are UTC, like the list.
 */
export function salesSummary(
  w: World,
  range: { from: number; to: number },
  groupBy: keyof typeof PERIOD_SQL,
) {
  const args = [range.from, range.to];
  const where = 'created_ms BETWEEN ? AND ?';
  const completedAmount = "sum(CASE WHEN status = 'COMPLETED' THEN amount ELSE 0 END)";
  const completed = "sum(status = 'COMPLETED')";
  const totals = w.get<{ n: number; amount: number | null; ok: number | null }>(
    `SELECT count(*) AS n, ${completedAmount} AS amount, ${completed} AS ok FROM sentrypos_sales WHERE ${where}`,
    ...args,
  ) ?? { n: 0, amount: 0, ok: 0 };
  const amount = totals.amount ?? 0;
  const ok = totals.ok ?? 0;
  const periods = w.all<{ date: string; amount: number; n: number; ok: number }>(
    `SELECT ${PERIOD_SQL[groupBy]} AS date, ${completedAmount} AS amount, count(*) AS n, ${completed} AS ok
     FROM sentrypos_sales WHERE ${where} GROUP BY 1 ORDER BY 1`,
    ...args,
  );
  const networks = w.all<{ network: string; amount: number; n: number }>(
    `SELECT network, ${completedAmount} AS amount, count(*) AS n FROM sentrypos_sales WHERE ${where}
     GROUP BY network ORDER BY 2 DESC, network`,
    ...args,
  );
  return {
    summary: {
      totalAmountCents: amount,
      totalTransactions: totals.n,
      averageTransactionCents: ok ? Math.round(amount / ok) : 0,
      successRate: totals.n ? Math.round((ok / totals.n) * 10000) / 10000 : 0,
    },
    dailyBreakdown: periods.map((p) => ({
      date: p.date,
      amountCents: p.amount,
      transactions: p.n,
      successfulTransactions: p.ok,
    })),
    networkBreakdown: networks.map((n) => ({
      network: n.network,
      amountCents: n.amount,
      transactions: n.n,
      percentage: amount ? Math.round((n.amount / amount) * 10000) / 10000 : 0,
    })),
  };
}
