import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { DecideInput, DecisionEntry } from '../api/reconcile-schemas.ts';
import { appendAudit } from '../store/mutations/audit.ts';
import { refuseIfClosed } from '../store/queries/closed-periods.ts';
import { all, get, run, sql } from '../store/sql.ts';
import { formatMoney, providerName } from './describe.ts';
import { readReconcileSettings, rateFor } from './reconcile-settings.ts';

type Entry = z.infer<typeof DecisionEntry>;
type Input = z.output<typeof DecideInput>;

interface GroupRow {
  id: number;
  key: string;
  anchor_date: string;
  state: string;
  version: string;
  currency: string;
  evidence: string | null;
}
interface RecordRow {
  id: number;
  provider: string;
  connection_id: string;
  external_id: string;
  kind: string;
  currency: string;
  amount_minor: number;
  business_date: string;
}

const PAYMENT_KINDS = new Set(['capture', 'refund']);

export function decisionEntries(db: Database, where: ReturnType<typeof sql>, limit = 500): Entry[] {
  return all<Entry>(
    db,
    sql`SELECT id, at, actor, action, sale_key AS saleKey,
          record_provider || ':' || record_connection || ':' || record_external_id AS record,
          note, undone_at AS undoneAt, undone_by AS undoneBy
        FROM recon_decisions WHERE ${where} ORDER BY id DESC LIMIT ${limit}`,
  );
}

function record(db: Database, id: number): RecordRow {
  const r = get<RecordRow>(
    db,
    sql`SELECT id, provider, connection_id, external_id, kind, currency, amount_minor, business_date FROM transactions WHERE id = ${id}`,
  );
  if (!r) throw new AppError('NOT_FOUND', `There is no record ${id} in the cache.`);
  return r;
}

/** What a stored decision touched: the days a day rebuild would redo, its sale and its records. */
export interface Touched {
  days: string[];
  saleKey: string;
  recordIds: number[];
}

/**
 * The anchor days of the groups holding these records now. A decision can take a record out of its
 * holder: a refund a rejection sent to another sale weeks away goes back when the rejection is undone,
 * and a day rebuild that left the holder's day alone kept it there too.
 */
function holderDays(db: Database, ids: readonly number[]): string[] {
  return all<{ d: string }>(
    db,
    sql`SELECT DISTINCT g.anchor_date AS d FROM recon_members m JOIN recon_groups g ON g.id = m.group_id
         WHERE m.transaction_id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  ).map((r) => r.d);
}

/**
 * Marks the days a decision touches, so the next run rebuilds exactly those: whole days, even where a
 * sync changed only some records of them (record id 0 says so, migration 0018).
 */
export function markDays(db: Database, days: readonly string[]): void {
  for (const d of days) run(db, sql`INSERT OR IGNORE INTO recon_dirty_days (date) VALUES (${d})`);
  if (days.length) run(db, sql`INSERT OR IGNORE INTO recon_dirty_records (id, local) VALUES (0, 0)`);
}

/**
 * Stores a person's decision on a sale (by stable keys, apart from synced data) and audits it.
 * Refuses, with a message that says what to do: a group a sync changed since it was shown (stale), a
 * payment already linked to another sale, and currencies with no known rate. Returns the new
 * decisions and what they touched; the caller re-matches that and answers with the group as it now stands.
 */
export function recordDecision(
  db: Database,
  input: Input,
  actor: string,
): { entries: Entry[]; touched: Touched } {
  return db.transaction(() => {
    const g = get<GroupRow>(
      db,
      sql`SELECT id, key, anchor_date, state, version, currency, evidence FROM recon_groups WHERE key = ${input.groupKey}`,
    );
    if (!g || !g.key.startsWith('sale:')) {
      throw new AppError(
        'NOT_FOUND',
        'That sale is not in the reconciliation any more (a sync or a run changed it). Reload the list.',
      );
    }
    if (input.version && input.version !== g.version) {
      throw new AppError(
        'STALE',
        'A sync changed this sale since it was shown, so the decision was not saved. It has been reloaded: look again, then decide.',
        { version: g.version },
      );
    }
    const saleKey = g.key.slice('sale:'.length);
    const ev = (g.evidence ? JSON.parse(g.evidence) : { pairs: [], refunds: [] }) as {
      pairs: { payment: number; status: string }[];
      refunds: { refund: number; status: string }[];
    };
    let targets: RecordRow[];
    if (input.action === 'accept' || input.action === 'reject') {
      const suggested = [
        ...ev.pairs.filter((p) => p.status === 'suggested').map((p) => p.payment),
        ...ev.refunds.filter((r) => r.status === 'suggested').map((r) => r.refund),
      ].filter((id) => !input.transactionId || id === input.transactionId);
      if (!suggested.length) {
        throw new AppError(
          'NOTHING_TO_DECIDE',
          input.transactionId
            ? 'That payment or refund is not waiting for a decision on this sale (it may have been decided already). Reload the list.'
            : 'Nothing in this sale is waiting for a decision.',
        );
      }
      targets = suggested.map((id) => record(db, id));
    } else {
      if (!input.transactionId) throw new AppError('BAD_INPUT', `Say which payment to ${input.action}.`);
      const r = record(db, input.transactionId);
      if (input.action === 'link') checkLink(db, g, saleKey, r);
      else if (
        !get(
          db,
          sql`SELECT 1 FROM recon_members WHERE group_id = ${g.id} AND transaction_id = ${r.id} AND role <> 'sale'`,
        )
      ) {
        throw new AppError(
          'NOT_LINKED',
          'That payment is not part of this sale, so there is nothing to unlink.',
        );
      }
      targets = [r];
    }
    const days = [
      ...new Set([
        g.anchor_date,
        ...targets.map((r) => r.business_date),
        ...holderDays(
          db,
          targets.map((r) => r.id),
        ),
      ]),
    ];
    refuseIfClosed(db, days);
    const now = new Date().toISOString();
    const ids: number[] = [];
    for (const r of targets) {
      const res = run(
        db,
        sql`INSERT INTO recon_decisions (at, actor, action, sale_key, record_provider, record_connection, record_external_id,
              group_key, group_version, note)
            VALUES (${now}, ${actor}, ${input.action}, ${saleKey}, ${r.provider}, ${r.connection_id}, ${r.external_id},
              ${g.key}, ${g.version}, ${input.note ?? null})`,
      );
      ids.push(Number(res.lastInsertRowid));
      appendAudit(db, {
        actor,
        action: `reconcile:${input.action}`,
        subject: g.key,
        details: { record: `${r.provider}:${r.connection_id}:${r.external_id}`, note: input.note ?? null },
      });
    }
    return {
      entries: decisionEntries(db, sql`id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`),
      touched: {
        days,
        saleKey,
        recordIds: targets.map((r) => r.id),
      },
    };
  })();
}

function checkLink(db: Database, g: GroupRow, saleKey: string, r: RecordRow): void {
  if (r.provider === 'sentrypos' || !PAYMENT_KINDS.has(r.kind)) {
    throw new AppError('BAD_INPUT', 'Only a provider’s payment or refund can be linked to a sale.');
  }
  const other = get<{ key: string; role: string; evidence: string | null }>(
    db,
    sql`SELECT g.key, m.role, g.evidence FROM recon_members m JOIN recon_groups g ON g.id = m.group_id
         WHERE m.transaction_id = ${r.id}`,
  );
  if (other && other.key === g.key && other.role !== 'payment') return;
  if (other && other.key !== g.key) {
    const pair = (
      JSON.parse(other.evidence ?? '{"pairs":[]}') as { pairs: { payment: number; status: string }[] }
    ).pairs.find((p) => p.payment === r.id);
    // A mere suggestion elsewhere gives way to a person's link; a link does not.
    if (pair?.status !== 'suggested') {
      const invoice = other.key.split(':').at(-1);
      throw new AppError(
        'LINK_CONFLICT',
        `This ${providerName(r.provider)} payment of ${formatMoney(r.amount_minor, r.currency)} already belongs to sale ${invoice}. Unlink it there first: one payment pays one sale.`,
        { groupKey: other.key },
      );
    }
  }
  if (r.currency !== g.currency && rateFor(readReconcileSettings(db), r.currency, r.business_date) === null) {
    throw new AppError(
      'NEED_RATE',
      `The payment is in ${r.currency} and the sale in ${g.currency}, and Settings has no ${r.currency} rate for ${r.business_date}. Add one under Reconciliation → Exchange rates, then link again.`,
      { currency: r.currency, date: r.business_date },
    );
  }
  void saleKey;
}

/** Undoes the latest decision in force (or the one given): kept, marked undone, audited. */
export function undoDecision(
  db: Database,
  decisionId: number | null | undefined,
  actor: string,
): { entry: Entry; touched: Touched } {
  return db.transaction(() => {
    const d = get<{
      id: number;
      sale_key: string;
      record_provider: string;
      record_connection: string;
      record_external_id: string;
      undone_at: string | null;
    }>(
      db,
      decisionId
        ? sql`SELECT * FROM recon_decisions WHERE id = ${decisionId}`
        : sql`SELECT * FROM recon_decisions WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1`,
    );
    if (!d) throw new AppError('NOTHING_TO_UNDO', 'There is no decision left to undo.');
    if (d.undone_at) throw new AppError('ALREADY_UNDONE', 'That decision was already undone.');
    const now = new Date().toISOString();
    run(db, sql`UPDATE recon_decisions SET undone_at = ${now}, undone_by = ${actor} WHERE id = ${d.id}`);
    appendAudit(db, {
      actor,
      action: 'reconcile:undo',
      subject: `sale:${d.sale_key}`,
      details: { decision: d.id },
    });
    const days = all<{ d: string }>(
      db,
      sql`SELECT anchor_date AS d FROM recon_groups WHERE key = ${`sale:${d.sale_key}`}
          UNION SELECT business_date FROM transactions WHERE provider = ${d.record_provider}
            AND connection_id = ${d.record_connection} AND external_id = ${d.record_external_id}
          UNION SELECT business_date FROM transactions WHERE provider = 'sentrypos' AND connection_id = ${d.sale_key.split(':')[0] ?? ''}
            AND id IN (SELECT transaction_id FROM transaction_refs WHERE kind = 'invoiceId' AND value = ${d.sale_key.split(':').slice(1).join(':')})`,
    ).map((r) => r.d);
    const records = all<{ id: number }>(
      db,
      sql`SELECT id FROM transactions WHERE provider = ${d.record_provider} AND connection_id = ${d.record_connection}
            AND external_id = ${d.record_external_id}`,
    ).map((r) => r.id);
    days.push(...holderDays(db, records).filter((h) => !days.includes(h)));
    // Undoing is deciding again: a closed day's decisions stay as they were booked.
    refuseIfClosed(db, days);
    const [entry] = decisionEntries(db, sql`id = ${d.id}`);
    if (!entry) throw new AppError('INTERNAL', 'The undone decision could not be read back.');
    return { entry, touched: { days, saleKey: d.sale_key, recordIds: records } };
  })();
}
