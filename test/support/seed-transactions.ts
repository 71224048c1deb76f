import type { Database } from 'better-sqlite3';
import type {
  CanonicalTransaction,
  NormalizedStatus,
  ProviderId,
  TransactionKind,
  TransactionLine,
} from '../../src-main/core/model/transaction.ts';
import { Rng } from '../../src-main/core/sandbox/world/prng.ts';
import { flushSearchIndex } from '../../src-main/core/store/mutations/search-index.ts';

/**
 * Canonical transactions for search tests and the benchmark, written straight into a store: five
 * providers, several currencies, skewed statuses and kinds (rare disputes, one payout a day), customer
 * names, references of every shape (16-digit pspReference, UUIDs, invoice ids) and product lines.
 */
export const SEED_CONNECTIONS = [
  { id: 'conn-sentry-1', provider: 'sentrypos', name: 'SentryPOS Till 1', currency: 'NOK' },
  { id: 'conn-sentry-2', provider: 'sentrypos', name: 'SentryPOS Till 2', currency: 'NOK' },
  { id: 'conn-vipps', provider: 'vipps', name: 'Vipps MobilePay', currency: 'NOK' },
  { id: 'conn-tgi', provider: 'tgi', name: 'TGI Terminal', currency: 'SEK' },
  { id: 'conn-sensepass', provider: 'sensepass', name: 'SensePass', currency: 'USD' },
  { id: 'conn-cents', provider: 'cents', name: 'Cents Donations', currency: 'EUR' },
] as const satisfies readonly { id: string; provider: ProviderId; name: string; currency: string }[];

const FIRST = [
  'Kari',
  'Ola',
  'Ingrid',
  'Lars',
  'Noa',
  'Emma',
  'Jakob',
  'Sara',
  'Yosef',
  'Maya',
  'Åse',
  'Bjørn',
];
const FIRST_MORE = ['Nora', 'Henrik', 'Sofie', 'Magnus', 'Ella', 'Filip', 'Leah', 'Oskar', 'Hedda', 'Isak'];
const LAST = ['Nordmann', 'Hansen', 'Johansen', 'Olsen', 'Berg', 'Cohen', 'Levi', 'Dahl', 'Strøm', 'Lunde'];
const LAST_MORE = ['Bakke', 'Haugen', 'Moen', 'Solberg', 'Eriksen', 'Lie', 'Vik', 'Aas', 'Holm', 'Ruud'];
const PRODUCTS: readonly [string, number, number][] = [
  ['Cappuccino', 4900, 1500],
  ['Caffè latte', 5200, 1500],
  ['Espresso', 3500, 1500],
  ['Americano', 3900, 1500],
  ['Kanelbolle', 4200, 1500],
  ['Croissant', 3800, 1500],
  ['Skolebolle', 4500, 1500],
  ['Brownie', 4000, 1500],
  ['Smoothie mango', 6900, 1500],
  ['Chai latte', 5400, 1500],
  ['Bagel med laks', 9900, 1500],
  ['Kaffebønner 250 g', 14900, 1500],
  ['Termokopp', 24900, 2500],
  ['Gavekort', 50000, 0],
];
const STATUSES: readonly [NormalizedStatus, number][] = [
  ['completed', 0.93],
  ['refunded', 0.02],
  ['pending', 0.02],
  ['failed', 0.019],
  ['cancelled', 0.01],
  ['disputed', 0.001],
];

export interface SeedOptions {
  count: number;
  seed?: number;
  /** The last business day; records spread back over `days` days. */
  endDate?: string;
  days?: number;
}

function pickWeighted<T>(rng: Rng, table: readonly [T, number][]): T {
  let r = rng.next();
  for (const [value, weight] of table) if ((r -= weight) < 0) return value;
  return table[0]![0];
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng.next() * list.length)]!;
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => Math.floor(rng.next() * 10)).join('');
const hex = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => Math.floor(rng.next() * 16).toString(16)).join('');
const uuid = (rng: Rng) => `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-a${hex(rng, 3)}-${hex(rng, 12)}`;

function lines(rng: Rng): TransactionLine[] {
  const n = 1 + Math.floor(rng.next() * 4);
  return Array.from({ length: n }, (_, i) => {
    const [name, price, vatBp] = pick(rng, PRODUCTS);
    const quantity = rng.next() < 0.8 ? 1 : 2;
    const gross = price * quantity;
    const vat = Math.round((gross * vatBp) / (10_000 + vatBp));
    return {
      lineNo: i + 1,
      name,
      quantity,
      unit: 'pcs',
      unitPriceGrossMinor: price,
      unitPriceNetMinor: price - Math.round((price * vatBp) / (10_000 + vatBp)),
      lineGrossMinor: gross,
      lineNetMinor: gross - vat,
      discountMinor: 0,
      vatRateBp: vatBp,
      vatMinor: vat,
      category: vatBp === 1500 ? 'food' : 'goods',
    };
  });
}

/** Deterministic: the same options always give the same records, in ascending business date. */
export function* generateTransactions(options: SeedOptions): Generator<CanonicalTransaction> {
  const rng = new Rng(options.seed ?? 1, 'search-seed');
  const days = options.days ?? 730;
  const end = Date.parse(`${options.endDate ?? '2026-03-31'}T00:00:00Z`);
  for (let i = 0; i < options.count; i++) {
    const day = new Date(end - Math.floor(((options.count - 1 - i) * days) / options.count) * 86_400_000);
    const businessDate = day.toISOString().slice(0, 10);
    const conn = SEED_CONNECTIONS[i % 97 === 0 ? 2 : Math.floor(rng.next() * SEED_CONNECTIONS.length)]!;
    // Roughly one payout a day (i % 97 lands on Vipps), fees now and then, the rest sales/captures.
    const kind: TransactionKind =
      i % 97 === 0
        ? 'payout'
        : rng.next() < 0.03
          ? 'refund'
          : rng.next() < 0.04
            ? 'fee'
            : conn.provider === 'sentrypos' || conn.provider === 'cents'
              ? 'sale'
              : 'capture';
    const txLines = kind === 'sale' ? lines(rng) : [];
    const gross = txLines.reduce((s, l) => s + l.lineGrossMinor, 0) || 1000 + Math.floor(rng.next() * 90_000);
    const amountMinor = kind === 'refund' || kind === 'fee' ? -gross : kind === 'payout' ? gross * 40 : gross;
    const named = conn.provider === 'vipps' || conn.provider === 'cents' || rng.next() < 0.2;
    const first = pick(rng, rng.next() < 0.5 ? FIRST : FIRST_MORE);
    const last = pick(rng, rng.next() < 0.5 ? LAST : LAST_MORE);
    const minutes = 7 * 60 + Math.floor((i % 1000) * 0.78);
    const occurredAt = new Date(day.getTime() + (minutes - 60) * 60_000).toISOString();
    const externalId = `${conn.provider.slice(0, 3)}-${i.toString(36)}-${hex(rng, 4)}`;
    const references = [{ kind: 'id', value: externalId }];
    if (conn.provider === 'vipps') references.push({ kind: 'pspReference', value: `88${digits(rng, 14)}` });
    if (conn.provider === 'vipps' || conn.provider === 'cents')
      references.push({ kind: 'orderId', value: uuid(rng) });
    if (conn.provider === 'sentrypos') references.push({ kind: 'TransactionNumber', value: `${100000 + i}` });
    if (conn.provider === 'tgi') references.push({ kind: 'tid', value: digits(rng, 8) });
    if (conn.provider === 'sensepass') references.push({ kind: 'reconciliation_id', value: uuid(rng) });
    if (kind === 'sale')
      references.push({
        kind: 'invoiceId',
        value: `INV-${businessDate.slice(0, 4)}-${String(i).padStart(7, '0')}`,
      });
    const method =
      conn.provider === 'vipps' ? pick(rng, ['vipps', 'mobilepay']) : rng.next() < 0.1 ? 'cash' : 'card';
    yield {
      provider: conn.provider,
      connectionId: conn.id,
      externalId,
      kind,
      amountMinor,
      currency: conn.currency,
      status: kind === 'payout' ? 'completed' : pickWeighted(rng, STATUSES),
      providerStatus: 'OK',
      occurredAt,
      occurredAtRaw: occurredAt,
      businessDate,
      ledgerDate: null,
      customerName: named ? `${first} ${last}` : null,
      customerEmail: named && rng.next() < 0.5 ? `${first}.${last}@example.no`.toLowerCase() : null,
      customerPhone:
        named && rng.next() < 0.5 ? `+47 ${digits(rng, 3)} ${digits(rng, 2)} ${digits(rng, 3)}` : null,
      method,
      network: method === 'card' ? pick(rng, ['visa', 'mastercard', 'mastercard', 'amex']) : null,
      description: txLines.length ? txLines.map((l) => l.name).join(', ') : null,
      references,
      lines: txLines,
      raw: { id: externalId, amount: amountMinor, currency: conn.currency, at: occurredAt },
    };
  }
}

export function insertSeedConnections(db: Database): void {
  const stmt = db.prepare(
    `INSERT OR IGNORE INTO connections (id, provider, name, config, is_demo, created_at, updated_at)
     VALUES (?, ?, ?, '{}', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
  );
  for (const c of SEED_CONNECTIONS) stmt.run(c.id, c.provider, c.name);
}

/**
 * Plain INSERTs in one SQLite transaction: the benchmark's bulk path (a million rows through the
 * change-logging upsert would spend its time hashing). The search triggers still fire on every row.
 */
export function bulkInsert(
  db: Database,
  records: Iterable<CanonicalTransaction>,
  { now = '2026-04-01T00:00:00Z', searchSchema = true }: { now?: string; searchSchema?: boolean } = {},
): number {
  insertSeedConnections(db);
  const tx = db.prepare(
    `INSERT INTO transactions (provider, connection_id, external_id, kind, amount_minor, currency, status,
       provider_status, occurred_at, occurred_at_raw, business_date, ledger_date, customer_name, customer_email,
       customer_phone, method, network, description, raw_json, synced_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ref = db.prepare(
    'INSERT OR IGNORE INTO transaction_refs (transaction_id, kind, value) VALUES (?, ?, ?)',
  );
  const line = db.prepare(
    `INSERT INTO transaction_lines (transaction_id, line_no, name, quantity, unit, unit_price_gross_minor,
       unit_price_net_minor, line_gross_minor, line_net_minor, discount_minor, vat_rate_bp, vat_minor, category)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let n = 0;
  db.transaction(() => {
    for (const r of records) {
      const id = Number(
        tx.run(
          r.provider,
          r.connectionId,
          r.externalId,
          r.kind,
          r.amountMinor,
          r.currency,
          r.status,
          r.providerStatus,
          r.occurredAt,
          r.occurredAtRaw,
          r.businessDate,
          r.ledgerDate,
          r.customerName,
          r.customerEmail,
          r.customerPhone,
          r.method,
          r.network,
          r.description,
          JSON.stringify(r.raw),
          now,
          now,
        ).lastInsertRowid,
      );
      for (const x of r.references) ref.run(id, x.kind, x.value);
      for (const l of r.lines) {
        line.run(
          id,
          l.lineNo,
          l.name,
          l.quantity,
          l.unit,
          l.unitPriceGrossMinor,
          l.unitPriceNetMinor,
          l.lineGrossMinor,
          l.lineNetMinor,
          l.discountMinor,
          l.vatRateBp,
          l.vatMinor,
          l.category,
        );
      }
      n++;
    }
    // What the real writer (upsertTransactions) does at the end of every page.
    if (searchSchema) flushSearchIndex(db);
  })();
  return n;
}
