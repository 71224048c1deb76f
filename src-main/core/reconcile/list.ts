import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { ReconcileListInput, ReconcileListItem } from '../api/reconcile-schemas.ts';
import { all, sql } from '../store/sql.ts';
import { formatDay, formatMoney, providerName } from './describe.ts';
import { discrepancyText } from './discrepancy-text.ts';
import type { DiscrepancyClass } from './discrepancies.ts';
import { inPeriod } from './summary.ts';

type Item = z.infer<typeof ReconcileListItem>;
type Input = z.output<typeof ReconcileListInput>;

/** Keyset cursor: the last row's date and id (newest first), never an offset. */
function decodeCursor(cursor: string | null | undefined): { date: string; id: number } | null {
  if (!cursor) return null;
  const m = /^(\d{4}-\d{2}-\d{2})\|(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new AppError('BAD_INPUT', 'That page link is out of date; start again from the first page.');
  return { date: m[1] ?? '', id: Number(m[2]) };
}
const encodeCursor = (date: string, id: number) => Buffer.from(`${date}|${id}`).toString('base64url');

interface GroupRow {
  id: number;
  key: string;
  anchor_date: string;
  state: string;
  providers: string;
  currency: string;
  sale_minor: number;
  paid_minor: number;
  score: number | null;
  version: string;
  ids: string;
}

function groupText(g: GroupRow): string {
  const invoice = g.key.split(':').at(-1) ?? g.key;
  const amount = formatMoney(g.sale_minor, g.currency);
  const on = formatDay(g.anchor_date);
  const via = g.providers ? providerName(g.providers) : null;
  switch (g.state) {
    case 'review':
      return `Sale ${invoice} of ${amount} on ${on} may have been paid through ${via ?? 'a provider'}: please check the suggestion.`;
    case 'unmatched':
      return `Sale ${invoice} of ${amount} on ${on} has no payment yet.`;
    case 'explained':
      return `Sale ${invoice} of ${amount} on ${on} needs no payment record (cash, a failed attempt, or still pending).`;
    default:
      return `Sale ${invoice} of ${amount} on ${on}, paid through ${via ?? 'cash'}.`;
  }
}

/** A grid column's providers as recon_groups stores them: 'none' is a sale without payments (''). */
const groupProviders = (column: string) => (column === 'none' ? '' : column);

export function listReconcile(db: Database, input: Input): { items: Item[]; nextCursor: string | null } {
  const after = decodeCursor(input.cursor);
  const limit = input.limit;
  const column = input.provider ?? null;
  let items: Item[];
  if (input.state === 'discrepancy') {
    const rows = all<{
      id: number;
      class: DiscrepancyClass;
      business_date: string;
      provider: string;
      currency: string;
      amount_minor: number;
      transaction_ids: string;
      detail: string | null;
      group_key: string | null;
      version: string | null;
    }>(
      db,
      sql`SELECT d.*, g.key AS group_key, g.version FROM recon_discrepancies d LEFT JOIN recon_groups g ON g.id = d.group_id
           WHERE ${inPeriod(sql`d.business_date`, input)}
             AND ${input.class ? sql`d.class = ${input.class}` : sql`1`}
             AND ${
               column === null
                 ? sql`1`
                 : sql`CASE WHEN g.id IS NOT NULL THEN g.providers = ${groupProviders(column)}
                            ELSE d.provider = ${column} END`
             }
             AND ${after ? sql`(d.business_date, d.id) < (${after.date}, ${after.id})` : sql`1`}
           ORDER BY d.business_date DESC, d.id DESC LIMIT ${limit + 1}`,
    );
    items = rows.map((d) => {
      const ids = JSON.parse(d.transaction_ids) as number[];
      return {
        key: d.group_key ?? `discrepancy:${d.id}`,
        kind: 'discrepancy' as const,
        date: d.business_date,
        state: 'discrepancy',
        class: d.class,
        providers: d.provider,
        currency: d.currency,
        amountMinor: d.amount_minor,
        score: null,
        version: d.version,
        text: discrepancyText(db, d, d.group_key?.split(':').at(-1) ?? null),
        transactionIds: ids,
        _c: d.id,
      } as Item & { _c: number };
    });
  } else {
    const rows = all<GroupRow>(
      db,
      sql`SELECT g.*, (SELECT json_group_array(transaction_id) FROM recon_members m WHERE m.group_id = g.id) AS ids
            FROM recon_groups g INDEXED BY recon_groups_by_state
           WHERE g.state = ${input.state} AND ${inPeriod(sql`g.anchor_date`, input)}
             AND ${column === null ? sql`1` : sql`g.providers = ${groupProviders(column)}`}
             AND ${after ? sql`(g.anchor_date, g.id) < (${after.date}, ${after.id})` : sql`1`}
           ORDER BY g.anchor_date DESC, g.id DESC LIMIT ${limit + 1}`,
    );
    items = rows.map(
      (g) =>
        ({
          key: g.key,
          kind: 'sale',
          date: g.anchor_date,
          state: g.state,
          class: null,
          providers: g.providers,
          currency: g.currency,
          amountMinor: g.sale_minor,
          score: g.score,
          version: g.version,
          text: groupText(g),
          transactionIds: JSON.parse(g.ids) as number[],
          _c: g.id,
        }) as Item & { _c: number },
    );
  }
  const page = items.slice(0, limit) as (Item & { _c: number })[];
  const last = page.at(-1);
  return {
    items: page.map(({ _c, ...item }) => (void _c, item)),
    nextCursor: items.length > limit && last ? encodeCursor(last.date, last._c) : null,
  };
}
