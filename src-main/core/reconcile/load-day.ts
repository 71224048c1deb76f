import type { Database } from 'better-sqlite3';
import { SENSEPASS_OWN_REFERENCES } from '../providers/sensepass/normalize.ts';
import { raw, rawSql, sql, type Sql } from '../store/sql.ts';

/** The providers that take payments for a POS sale; SentryPOS is the POS itself. */
export const PAYMENT_PROVIDERS = ['vipps', 'tgi', 'sensepass', 'cents'] as const;

/** A Cents card check before the payment itself: same money, never a payment of its own. */
export const isPre = (r: Pick<Rec, 'provider' | 'providerStatus'>) =>
  r.provider === 'cents' && r.providerStatus === 'pre_transaction';

/** One cached record, as much of it as matching reads. */
export interface Rec {
  id: number;
  provider: string;
  connectionId: string;
  externalId: string;
  kind: string;
  amount: number;
  currency: string;
  status: string;
  providerStatus: string | null;
  atMs: number;
  date: string;
  customerName: string | null;
  customerPhone: string | null;
  method: string | null;
  network: string | null;
  fingerprint: string | null;
  /**
   * The POS reference(s) the record carries, per the provider's docs: SentryPOS `invoiceId`, Vipps
   * `reference`, Cents `payment_gateway_order_transaction_id`, SensePass posData values. TGI documents
   * none (its `tid` may hold a POS id where the shop posts its own transactions: matching tries it).
   */
  refs: string[];
  /** Vipps pspReference, Cents reconciliation_id, TGI cid: links within one provider. */
  link: string | null;
  /** Cents: the order amount (total less the round-up donation), which is what the POS charged. */
  orderMinor: number | null;
  /** Vipps: the Tips line, so a tip is explained rather than guessed. */
  tipMinor: number;
  /** Vipps Report rows: the Sales API (or funds) record that already counts the same money. */
  twinId: number | null;
  /** Anchor day of the group that holds the record in the store, before this run. */
  heldBy: string | null;
  /** Key of that group, and the record's role in it. */
  heldKey: string | null;
  heldRole: string | null;
}

/** A record's columns in SELECT order, as `stmt.raw()` returns them (no object per row). */
type Row = [
  id: number,
  provider: string,
  connectionId: string,
  externalId: string,
  kind: string,
  amount: number,
  currency: string,
  status: string,
  providerStatus: string | null,
  occurredAt: string,
  businessDate: string,
  customerName: string | null,
  customerPhone: string | null,
  method: string | null,
  network: string | null,
  fingerprint: string | null,
  refs: string | null,
  link: string | null,
  orderMinor: number | null,
  tipMinor: number | null,
  twinId: number | null,
  heldBy?: string | null,
  heldKey?: string | null,
  heldRole?: string | null,
];

const SEP = '\u001f';

/*
 * One SELECT per batch, each part a correlated subquery on the record's own index range (its refs and
 * lines by primary key): measured against one range query per part joined on the batch's ids, this is
 * cheaper, since each subquery reads only the one value matching wants (1.8-2.7 s vs 3.1-3.6 s CPU for
 * every day at 100k sales, most of either being the records' own rows).
 */
/** A record's POS references and links, per provider, from its reference rows (indexed by id, kind). */
const REFS = `CASE t.provider
    WHEN 'sentrypos' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'invoiceId')
    WHEN 'vipps' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'reference')
    WHEN 'cents' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'order_id')
    WHEN 'sensepass' THEN (SELECT group_concat(value, char(31)) FROM transaction_refs r WHERE r.transaction_id = t.id
      AND r.kind NOT IN (${SENSEPASS_OWN_REFERENCES.map((k) => `'${k}'`).join(', ')}))
  END`;
const LINK = `CASE t.provider
    WHEN 'vipps' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference')
    WHEN 'cents' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'reconciliation_id')
    WHEN 'tgi' THEN (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'cid')
  END`;
/*
 * A Vipps Report row's twin: the Sales API entry of the same capture or refund (same pspReference and
 * kind), or for a fees-ledger fees-retained the funds-ledger one. The Sales view is the one counted: it
 * has the lines, the VAT and the cash payments the Report API never sees. Looked up only for the rows
 * that can have one: the other fee rows carry a pspReference too, and each lookup reads every row
 * sharing it (at 1M sales this halved the twins' cost).
 */
const TWIN = `CASE WHEN t.provider = 'vipps' AND t.external_id NOT LIKE 'sales:%' AND (t.kind IN ('capture', 'refund')
      OR (t.external_id LIKE 'fees:%' AND t.provider_status = 'fees-retained')) THEN (
    SELECT t2.id FROM transaction_refs r2 CROSS JOIN transactions t2 ON t2.id = r2.transaction_id
     WHERE r2.value = (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'pspReference')
       AND r2.kind = 'pspReference' AND t2.connection_id = t.connection_id AND t2.kind = t.kind AND t2.id <> t.id
       AND (CASE WHEN t.kind IN ('capture', 'refund') THEN t2.external_id LIKE 'sales:%'
                 ELSE t2.external_id LIKE 'funds:%' AND t2.provider_status = 'fees-retained' END)
     ORDER BY t2.id LIMIT 1)
  END`;

const COLUMNS = `t.id, t.provider, t.connection_id, t.external_id, t.kind, t.amount_minor, t.currency, t.status,
    t.provider_status, t.occurred_at, t.business_date, t.customer_name, t.customer_phone, t.method, t.network,
    t.fingerprint, ${REFS} AS refs, ${LINK} AS link,
    CASE WHEN t.provider = 'cents' THEN (SELECT line_gross_minor FROM transaction_lines l
      WHERE l.transaction_id = t.id AND l.category = 'order') END AS order_minor,
    CASE WHEN t.provider = 'vipps' AND t.external_id LIKE 'sales:%' THEN (SELECT sum(line_gross_minor)
      FROM transaction_lines l WHERE l.transaction_id = t.id AND upper(l.category) = 'TIPS') END AS tip_minor,
    ${TWIN} AS twin_id`;
const SELECT = `SELECT ${COLUMNS}, g.anchor_date AS held_by, g.key AS held_key, m.role AS held_role
  FROM transactions t LEFT JOIN recon_members m ON m.transaction_id = t.id
    LEFT JOIN recon_groups g ON g.id = m.group_id`;
/** Without the holding group: for a full run, which rebuilds every day, so what held a record cannot matter. */
const SELECT_UNHELD = `SELECT ${COLUMNS} FROM transactions t`;

/**
 * One string per distinct value, for the columns of few values (provider, kind, status, day, ...):
 * SQLite hands out a new string per row, and a busy day's records live three days, so each copy was
 * copied by the young generation's collections and promoted. Per read, so nothing outlives its records.
 */
function interner(): <T extends string | null>(s: T) => T {
  const seen = new Map<string, string>();
  return (s) => {
    if (s === null) return s;
    const x = seen.get(s);
    if (x !== undefined) return x as typeof s;
    seen.set(s, s);
    return s;
  };
}

function toRec(r: Row, one: ReturnType<typeof interner>): Rec {
  return {
    id: r[0],
    provider: one(r[1]),
    connectionId: one(r[2]),
    externalId: r[3],
    kind: one(r[4]),
    amount: r[5],
    currency: one(r[6]),
    status: one(r[7]),
    providerStatus: one(r[8]),
    atMs: Date.parse(r[9]),
    date: one(r[10]),
    customerName: r[11],
    customerPhone: r[12],
    method: one(r[13]),
    network: one(r[14]),
    fingerprint: r[15],
    refs: !r[16] ? [] : r[16].includes(SEP) ? r[16].split(SEP).filter((s) => s.length > 0) : [r[16]],
    link: r[17],
    orderMinor: r[18],
    tipMinor: r[19] ?? 0,
    twinId: r[20],
    heldBy: r[21] ?? null,
    heldKey: r[22] ?? null,
    heldRole: r[23] ?? null,
  };
}

function toRecs(rows: readonly Row[]): Rec[] {
  const one = interner();
  return rows.map((r) => toRec(r, one));
}

export interface LoadOptions {
  /**
   * Whether to read which stored group holds each record (heldBy, heldKey, heldRole; default yes). A
   * full run rebuilds every day, so what held a record before cannot matter there.
   */
  held?: boolean;
}

/** Every record of one business day (by the shop's zone; Vipps ledger rows by their ledger date). */
export function loadDay(db: Database, date: string, options: LoadOptions = {}): Rec[] {
  const select = (options.held ?? true) ? SELECT : SELECT_UNHELD;
  return toRecs(raw<Row>(db, sql`${rawSql(select)} WHERE t.business_date = ${date} ORDER BY t.id`));
}

/** Records by id, wherever their day (decisions and refunds point across days). */
export function loadByIds(db: Database, ids: readonly number[]): Rec[] {
  if (!ids.length) return [];
  return toRecs(
    raw<Row>(
      db,
      sql`${rawSql(SELECT)} WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) ORDER BY t.id`,
    ),
  );
}

/** Records matching a raw condition on `t` (a fixed string from this module's callers, never user text). */
export function loadWhere(db: Database, condition: Sql): Rec[] {
  return toRecs(raw<Row>(db, sql`${rawSql(SELECT)} WHERE ${condition} ORDER BY t.id`));
}

/** A record by its stable key (provider:connection:external id): decisions point at records this way. */
export function lookupByKey(db: Database): (key: string) => Rec | undefined {
  return (key) => {
    const [provider, connection, ...rest] = key.split(':');
    return loadWhere(
      db,
      sql`t.provider = ${provider ?? ''} AND t.connection_id = ${connection ?? ''} AND t.external_id = ${rest.join(':')}`,
    )[0];
  };
}

/** A day beside the run, as far as it was read: the records it must give, and the rest by time. */
export interface NeighbourRead {
  recs: Rec[];
  /** Its other records: id and time only, for the time-bound read (loadNear). */
  rest: { id: number; atMs: number }[];
}

/**
 * The records of a day outside the run (`date`) that matching a run day can use, read whole: the ones
 * the run day may take (`takes`, told the anchor day of the group holding a record, or null: matchDay's
 * heldFree for that day), and the ones carrying one of `invoices` as a reference, or as their own id
 * where matching reads that (a POS row without an invoice id, a TGI payment's tid): the run day's
 * sales' other rows and the payments naming those sales, which place their tenders and set the clock
 * offsets. Every other record is kept by the group of an earlier day that holds it, so matching reads
 * it for the clock offsets alone (a payment near a tender in time): those come back by id and time, for
 * loadNear. On a busy day most records are of this kind, and reading a record whole (its row,
 * references, links, twin, lines) is what costs. Each part is read from an index: the day's times, who
 * holds each record, references by value, stable keys.
 */
export function loadNeighbour(
  db: Database,
  date: string,
  invoices: ReadonlySet<string>,
  takes: (heldBy: string | null) => boolean,
): NeighbourRead {
  const wanted = JSON.stringify([...invoices]);
  const named = new Set(
    raw<[number]>(
      db,
      sql`SELECT r.transaction_id FROM json_each(${wanted}) j
            CROSS JOIN transaction_refs r INDEXED BY transaction_refs_by_value ON r.value = j.value
            CROSS JOIN transactions t INDEXED BY search_totals_by_id_dims ON t.id = r.transaction_id
           WHERE t.business_date = ${date}
          UNION SELECT t.id FROM connections c CROSS JOIN json_each(${wanted}) j
            CROSS JOIN transactions t INDEXED BY sqlite_autoindex_transactions_1
              ON t.connection_id = c.id AND t.external_id = j.value
           WHERE t.provider IN ('sentrypos', 'tgi') AND t.business_date = ${date}`,
    ).map((r) => r[0]),
  );
  const sure: number[] = [];
  const rest: NeighbourRead['rest'] = [];
  for (const [id, occurredAt, heldBy] of raw<[number, string, string | null]>(
    db,
    sql`SELECT t.id, t.occurred_at, g.anchor_date FROM transactions t INDEXED BY search_by_time
          LEFT JOIN recon_members m ON m.transaction_id = t.id LEFT JOIN recon_groups g ON g.id = m.group_id
         WHERE t.business_date = ${date}`,
  )) {
    if (takes(heldBy) || named.has(id)) sure.push(id);
    else rest.push({ id, atMs: Date.parse(occurredAt) });
  }
  return { recs: loadByIds(db, sure), rest };
}

/** Of a neighbour's other records (NeighbourRead.rest), those within [from, to] ms, read whole. */
export function loadNear(db: Database, rest: NeighbourRead['rest'], from: number, to: number): Rec[] {
  return loadByIds(
    db,
    rest.filter((r) => r.atMs >= from && r.atMs <= to).map((r) => r.id),
  );
}
