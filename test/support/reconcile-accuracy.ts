import { readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

/**
 * Scores the engine's links against the sandbox world's ground truth: the world knows which provider
 * records belong to which POS sale. A link is one provider record placed in one sale's group.
 *  - automatic: linked without asking (exact key, a score above auto-accept, or a chain rule);
 *  - suggested: waiting in review.
 * Precision is over automatic links; recall over every record the truth ties to a sale.
 */
export interface TruthRecord {
  provider: string;
  dataset: string;
  role: string;
  key: Record<string, string | null>;
  tags?: string[];
}
export interface TruthSale {
  saleNo: number;
  invoiceId: string;
  records: TruthRecord[];
}

export interface ClassFigures {
  records: number;
  auto: number;
  autoCorrect: number;
  suggestedCorrect: number;
}
export interface Accuracy {
  all: ClassFigures;
  precision: number;
  recall: number;
  recallWithSuggestions: number;
  byClass: Record<
    string,
    ClassFigures & { precision: number; recall: number; recallWithSuggestions: number }
  >;
}

/** Roles whose record is a provider's own view of money the sale moved (not a Report API echo). */
const SKIP_ROLES = new Set(['duplicate-notification', 'duplicate', 'capture-fee']);

function truthKey(r: TruthRecord): string | null {
  const k = r.key;
  if (r.provider === 'sentrypos') return `sentrypos:${k.id}`;
  if (r.provider === 'tgi') return `tgi:${k.tid}`;
  if (r.provider === 'sensepass') return `sensepass:${k.TransactionNumber}`;
  if (r.provider === 'cents') return `cents:${k.id}`;
  if (r.provider === 'vipps' && r.dataset === 'sales')
    return k.pspReference
      ? `vipps:sales:${k.entryType}:${k.pspReference}`
      : `vipps:sales:${k.entryType}:cash:${k.reference}`;
  return null;
}

function cacheKey(provider: string, externalId: string, reference: string | null): string | null {
  if (provider !== 'vipps') return `${provider}:${externalId}`;
  const parts = externalId.split(':');
  if (parts[0] !== 'sales') return null;
  return parts[3] === 'cash'
    ? `vipps:sales:${parts[2]}:cash:${reference}`
    : `vipps:sales:${parts[2]}:${parts[3]}`;
}

/** Imperfection classes of a truth record: its tags when the world writes them, else from its role. */
function classesOf(r: TruthRecord, sale: TruthSale): string[] {
  const out = new Set<string>(r.tags ?? []);
  if (r.role.includes('refund')) out.add('refund');
  if (r.role === 'failed-attempt') out.add('failed-then-retried');
  if (r.role === 'duplicate-charge') out.add('duplicate-charge');
  if (sale.records.filter((x) => x.provider === 'sentrypos' && x.role === 'payment').length > 1)
    out.add('split-tender');
  if (!out.size) out.add('clean');
  return [...out];
}

interface Placement {
  group: string | null;
  status: 'auto' | 'suggested' | 'none';
}

function placements(db: Database): Map<string, Placement> {
  const rows = db
    .prepare(
      `SELECT t.provider, t.external_id, (SELECT value FROM transaction_refs r WHERE r.transaction_id = t.id AND r.kind = 'reference') AS reference,
              g.key AS group_key, g.evidence, m.role, t.id
         FROM transactions t LEFT JOIN recon_members m ON m.transaction_id = t.id LEFT JOIN recon_groups g ON g.id = m.group_id
        WHERE t.provider <> 'sentrypos' OR m.role IS NOT NULL`,
    )
    .all() as {
    provider: string;
    external_id: string;
    reference: string | null;
    group_key: string | null;
    evidence: string | null;
    role: string | null;
    id: number;
  }[];
  const out = new Map<string, Placement>();
  for (const r of rows) {
    const key = cacheKey(r.provider, r.external_id, r.reference);
    if (!key) continue;
    let status: Placement['status'] = r.group_key ? 'auto' : 'none';
    if (r.group_key && r.evidence && (r.role === 'payment' || r.role === 'refund')) {
      const ev = JSON.parse(r.evidence) as {
        pairs: { payment: number; status: string }[];
        refunds: { refund: number; status: string }[];
      };
      const s =
        r.role === 'payment'
          ? ev.pairs.find((p) => p.payment === r.id)?.status
          : ev.refunds.find((p) => p.refund === r.id)?.status;
      status = s === 'suggested' ? 'suggested' : 'auto';
    }
    out.set(key, { group: r.group_key, status });
  }
  return out;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export function measureAccuracy(db: Database, truthPath: string): Accuracy {
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { sales: TruthSale[] };
  const placed = placements(db);
  const connection = (
    db.prepare("SELECT id FROM connections WHERE provider = 'sentrypos' LIMIT 1").get() as { id: string }
  ).id;
  const empty = (): ClassFigures => ({ records: 0, auto: 0, autoCorrect: 0, suggestedCorrect: 0 });
  const all = empty();
  const byClass = new Map<string, ClassFigures>();
  const seen = new Set<string>();
  for (const sale of truth.sales) {
    const want = `sale:${connection}:${sale.invoiceId}`;
    for (const r of sale.records) {
      if (r.provider === 'sentrypos' || SKIP_ROLES.has(r.role)) continue;
      const key = truthKey(r);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      const p = placed.get(key);
      if (!p) continue; // not in the cache (a record the sync could not have: a pending Vipps entry)
      const figures = [
        all,
        ...classesOf(r, sale).map((c) => byClass.get(c) ?? byClass.set(c, empty()).get(c)!),
      ];
      for (const f of figures) {
        f.records++;
        if (p.status === 'auto') {
          f.auto++;
          if (p.group === want) f.autoCorrect++;
        } else if (p.status === 'suggested' && p.group === want) f.suggestedCorrect++;
      }
    }
  }
  const stats = (f: ClassFigures) => ({
    ...f,
    precision: ratio(f.autoCorrect, f.auto),
    recall: ratio(f.autoCorrect, f.records),
    recallWithSuggestions: ratio(f.autoCorrect + f.suggestedCorrect, f.records),
  });
  return {
    all,
    precision: ratio(all.autoCorrect, all.auto),
    recall: ratio(all.autoCorrect, all.records),
    recallWithSuggestions: ratio(all.autoCorrect + all.suggestedCorrect, all.records),
    byClass: Object.fromEntries(
      [...byClass].sort(([a], [b]) => a.localeCompare(b)).map(([c, f]) => [c, stats(f)]),
    ),
  };
}

/** For debugging: the records the engine placed wrongly or not at all, with their classes. */
export function misplaced(db: Database, truthPath: string, limit = 50) {
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { sales: TruthSale[] };
  const placed = placements(db);
  const connection = (
    db.prepare("SELECT id FROM connections WHERE provider = 'sentrypos' LIMIT 1").get() as { id: string }
  ).id;
  const out: object[] = [];
  for (const sale of truth.sales) {
    const want = `sale:${connection}:${sale.invoiceId}`;
    for (const r of sale.records) {
      if (r.provider === 'sentrypos' || SKIP_ROLES.has(r.role)) continue;
      const key = truthKey(r);
      const p = key ? placed.get(key) : undefined;
      if (!p || (p.status === 'auto' && p.group === want) || (p.status === 'suggested' && p.group === want))
        continue;
      out.push({ key, role: r.role, tags: classesOf(r, sale), want, got: p.group, status: p.status });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
