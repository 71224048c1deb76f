import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { loadDay } from '../../../src-main/core/reconcile/load-day.ts';
import { listReconcile } from '../../../src-main/core/reconcile/list.ts';
import { writeDiscrepancies } from '../../../src-main/core/reconcile/discrepancies.ts';
import { storedCandidates } from '../../../src-main/core/reconcile/tgi-refund-original.ts';
import { rebuildPayouts, settleChangedPayouts } from '../../../src-main/core/reconcile/payouts.ts';
import {
  ReconcileSettings,
  DEFAULT_RECONCILE_SETTINGS,
} from '../../../src-main/core/reconcile/reconcile-settings.ts';
import { GroupWriter } from '../../../src-main/core/reconcile/write-groups.ts';
import { daysBeforeNew } from '../../../src-main/core/reconcile/day-before.ts';
import { refreshReconRollups, rollupShare } from '../../../src-main/core/store/mutations/recon-rollups.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

/** Captures the plan of every statement a call prepares, by wrapping `prepare`. */
async function plansOf(fn: (db: import('better-sqlite3').Database) => void): Promise<string[]> {
  const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
  const db = store.db;
  const plans: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const stmt = prepare(source);
    if (/^\s*(SELECT|WITH)\b/i.test(source)) {
      const n = (source.match(/\?/g) ?? []).length;
      const rows = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...Array.from({ length: n }, () => null)) as {
        detail: string;
      }[];
      plans.push(rows.map((r) => r.detail).join(' | '));
    }
    return stmt;
  }) as typeof db.prepare;
  try {
    fn(db);
  } finally {
    db.prepare = prepare;
    store.close();
  }
  return plans;
}

describe('reconcile query plans', () => {
  it("reads a day's records through the date index, and looks up twins by reference value, never by scan", async () => {
    const [plan] = await plansOf((db) => loadDay(db, '2026-11-03'));
    expect(plan).toMatch(/SEARCH t USING INDEX transactions_by_(date|day_provider) \(business_date=\?/);
    expect(plan).toMatch(/SEARCH r2 USING COVERING INDEX transaction_refs_by_value/);
    expect(plan).not.toMatch(/SCAN t\b/);
  });

  it("walks a TGI refund's candidates newest first through the TGI payment indexes, never reading all payments", async () => {
    const plans = await plansOf((db) =>
      storedCandidates(db, [{ amount: -10_000, atMs: Date.parse('2026-11-03T12:00:00Z') }]),
    );
    const walks = plans.filter((p) => p.includes('recon_tgi_captures'));
    expect(walks).toHaveLength(2);
    expect(walks[0]).toMatch(
      /SEARCH t USING COVERING INDEX recon_tgi_captures_by_amount \(connection_id=\? AND amount_minor=\? AND occurred_at>\? AND occurred_at<\?\)/,
    );
    expect(walks[1]).toMatch(
      /SEARCH t USING COVERING INDEX recon_tgi_captures_by_time \(connection_id=\? AND occurred_at>\? AND occurred_at<\?\)/,
    );
    // Covering (a payment's row is never read) and in the index's order (newest first is the index read
    // backwards), so a walk stops after the few rows the pass ranks.
    for (const plan of walks) expect(plan).not.toMatch(/TEMP B-TREE|SCAN/);
    // The payments of sales the POS marked refunded start from the status index, from the refunds'
    // lookback on: a nightly run reads months of refunded sales, not the cache's years.
    expect(
      plans.some((p) =>
        /SEARCH s USING COVERING INDEX search_by_status \(status=\? AND business_date>\?\)/.test(p),
      ),
    ).toBe(true);
    for (const plan of plans) expect(plan).not.toMatch(/SCAN (?!j VIRTUAL TABLE)/);
  });

  it("settles a payout's stretch from the Vipps ledger index alone, never reading the entries' rows", async () => {
    // The ledgers with entries in some days (an empty store has no stretch to settle there), then a
    // whole settlement: whether it holds a payout (one is stored: a stretch without one reads no more),
    // its funds entries and the capture fees of those.
    const plans = await plansOf((db) => {
      rebuildPayouts(db, '2026-11-03', '2026-11-04');
      db.exec(`INSERT INTO connections (id, provider, name, config, created_at, updated_at)
                 VALUES ('v', 'vipps', 'V', '{}', 't', 't');
               INSERT INTO transactions (provider, connection_id, external_id, kind, amount_minor, currency, status,
                   occurred_at, occurred_at_raw, business_date, raw_json, synced_at, updated_at)
                 VALUES ('vipps', 'v', 'funds:1:payout-scheduled:1:2026-11-03', 'payout', -100, 'NOK', 'completed',
                   't', 't', '2026-11-03', '{}', 't', 't')`);
      rebuildPayouts(db, null);
    });
    const ledger = plans.filter((p) => p.includes('recon_vipps_ledger'));
    expect(ledger).toHaveLength(4);
    for (const plan of ledger)
      expect(plan).toMatch(
        /^SEARCH (t|transactions) USING COVERING INDEX recon_vipps_ledger \(business_date>\?/,
      );
  });

  it("finds the days of changed capture fees' payments from the ledger index, reading only other days' rows", async () => {
    const [plan] = await plansOf((db) => settleChangedPayouts(db));
    expect(plan).toMatch(
      /SEARCH f USING COVERING INDEX recon_vipps_ledger \(business_date=\? AND provider=\?\)/,
    );
    expect(plan).toMatch(/SEARCH cr USING COVERING INDEX transaction_refs_by_value \(value=\? AND kind=\?\)/);
    // The changed days' own entries are ruled out before a payment's row is read.
    expect(plan).toMatch(
      /SEARCH cr .* \| LIST SUBQUERY \d+ \| SCAN od \| SEARCH o USING COVERING INDEX recon_vipps_ledger \(business_date=\? AND provider=\?\) \| .*SEARCH c USING INTEGER PRIMARY KEY/,
    );
    expect(plan).not.toMatch(/SCAN (?!recon_dirty_ledger_days|d\b|od\b)/);
  });

  it("asks whether a new day's records are held from that day's date index, never scanning every record", async () => {
    const plans = await plansOf((db) => {
      db.prepare("INSERT INTO recon_dirty_days (date) VALUES ('2026-11-03')").run();
      daysBeforeNew(db, ['2026-11-02', '2026-11-03']);
    });
    // One statement of four EXISTS: the last asks whether a group holds any of the day's records.
    const held = plans.find((p) => p.includes('recon_removed_days'));
    expect(held).toMatch(
      /SEARCH t USING COVERING INDEX transactions_by_date \(business_date=\?\) \| SEARCH m USING INTEGER PRIMARY KEY/,
    );
    expect(held).not.toMatch(/SCAN t\b/);
  });

  it('pages a state and a discrepancy class by their indexes', async () => {
    const plans = await plansOf((db) => {
      listReconcile(db, { state: 'review', limit: 50 });
      listReconcile(db, { state: 'discrepancy', class: 'sale_without_payment', limit: 50 });
    });
    expect(plans[0]).toMatch(/USING INDEX recon_groups_by_state \(state=\?/);
    expect(plans[1]).toMatch(/USING INDEX recon_discrepancies_by_class \(class=\?/);
  });

  it("reads a day's or a decision's stored groups and then their members by group, never a subquery per group", async () => {
    const plans = await plansOf((db) => new GroupWriter(db, DEFAULT_RECONCILE_SETTINGS));
    const reads = plans.filter((p) => /\bg\b/.test(p) && !p.includes('recon_view'));
    expect(reads).toEqual([
      'SEARCH g USING INDEX recon_groups_rollup (anchor_date=?)',
      'SEARCH g USING COVERING INDEX recon_groups_rollup (anchor_date=?) | SEARCH m USING COVERING INDEX recon_members_by_group (group_id=?)',
      expect.stringMatching(/^SEARCH g USING INDEX sqlite_autoindex_recon_groups_1 \(key=\?\)/),
      expect.stringMatching(
        /^SEARCH g USING COVERING INDEX sqlite_autoindex_recon_groups_1 \(key=\?\).* \| SEARCH m USING COVERING INDEX recon_members_by_group \(group_id=\?\)$/,
      ),
    ]);
    for (const plan of reads) expect(plan).not.toMatch(/CORRELATED|TEMP B-TREE/);
  });

  it("reads a decision's share of the Dashboard rollups from its groups by key and their members by group", async () => {
    const plans = await plansOf((db) => rollupShare(db, ['sale:c:1']));
    expect(plans).toHaveLength(4);
    for (const plan of plans) {
      expect(plan).toMatch(/SEARCH g USING (COVERING )?INDEX sqlite_autoindex_recon_groups_1 \(key=\?\)/);
      // Only the key list (and the VAT query's own sales) is walked: never a table of groups, members or records.
      expect(plan).not.toMatch(/SCAN (?!json_each|sold\b)/);
    }
    expect(plans.filter((p) => /SEARCH m USING COVERING INDEX recon_members_by_group/.test(p))).toHaveLength(
      3,
    );
  });

  /** The plan of each rollup's SELECT in a refresh of `days` (null: every day), by table. */
  async function refreshPlans(days: string[] | null): Promise<Map<string, string>> {
    const file = path.join(tempHome(), 'posrecon.sqlite');
    (await openStore(file)).close();
    // A connection of its own: the store's migrations already prepared (and cached) the refresh's statements.
    const db = new Database(file);
    const plans = new Map<string, string>();
    const prepare = db.prepare.bind(db);
    db.prepare = ((source: string) => {
      const [, table, select] = /^\s*INSERT INTO (dash_\w+)[^)]*\)\s*([\s\S]*)$/.exec(source) ?? [];
      if (table && select)
        plans.set(
          table,
          (
            prepare(`EXPLAIN QUERY PLAN ${select}`).all(
              ...(select.match(/\?/g) ?? []).map(() => JSON.stringify(days)),
            ) as { detail: string }[]
          )
            .map((r) => r.detail)
            .join(' | '),
        );
      return prepare(source);
    }) as typeof db.prepare;
    try {
      refreshReconRollups(db, days);
    } finally {
      db.close();
    }
    return plans;
  }

  it("counts a whole refresh's explained sales from the group indexes, never scanning members or reading group rows", async () => {
    const plans = await refreshPlans(null);
    expect(plans.get('dash_explained_days')).toMatch(
      /^SCAN g USING COVERING INDEX recon_groups_rollup \| SEARCH m USING COVERING INDEX recon_members_by_group/,
    );
  });

  it("reads a refresh's group figures and each tender's providers from narrow group indexes, never the group rows", async () => {
    for (const days of [null, ['2026-11-03']]) {
      const plans = await refreshPlans(days);
      expect(plans.get('dash_group_days')).toMatch(
        /^(SCAN|SEARCH) g USING COVERING INDEX recon_groups_rollup\b/,
      );
      const tenders = plans.get('dash_tender_days');
      expect(tenders).toMatch(/SEARCH g USING COVERING INDEX recon_groups_providers \(id=\?\)/);
      // A failed tender's sold twin: its status from the narrow index by id, not its row.
      expect(tenders).toMatch(/SEARCH s USING COVERING INDEX search_totals_by_id_dims \(id=\?\)/);
      expect(tenders).not.toMatch(/SEARCH g USING INTEGER PRIMARY KEY/);
      // VAT: a whole refresh starts from the payments with lines, a day's from the day's POS tenders.
      const vat = plans.get('dash_vat_days');
      if (days) expect(vat).toMatch(/(SCAN|SEARCH) t USING COVERING INDEX dashboard_sales/);
      else
        expect(vat).toMatch(
          /CO-ROUTINE touched \| SCAN pm USING COVERING INDEX recon_members_by_group \| SEARCH l USING COVERING INDEX/,
        );
    }
  });

  it("reads a decision's or a run's groups by id for their classes, never walking a state's index", async () => {
    const settings = ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS);
    const base = { settings, nowMs: Date.parse('2026-11-03T12:00:00Z'), orphanRefunds: [] };
    for (const options of [
      { ...base, days: [], local: { groups: [1], records: [2] } },
      { ...base, days: ['2026-11-03'], groups: [1] },
    ] as Parameters<typeof writeDiscrepancies>[1][]) {
      const plans = await plansOf((db) => writeDiscrepancies(db, options));
      const groupReads = plans.filter((p) => /\bg\b/.test(p) && p.includes('SEARCH g'));
      expect(groupReads.length).toBeGreaterThanOrEqual(3);
      for (const p of groupReads) {
        expect(p).toMatch(/SEARCH g USING INTEGER PRIMARY KEY \(rowid=\?\)/);
        expect(p).not.toMatch(/recon_groups_by_state/);
      }
    }
  });

  it('finds payments with no sale in the kind index alone, or by id for a decision, reading only their rows', async () => {
    const settings = ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS);
    const base = { settings, nowMs: Date.parse('2026-11-03T12:00:00Z'), orphanRefunds: [] };
    for (const options of [
      { ...base, days: ['2026-11-03'] },
      { ...base, days: null },
      { ...base, days: null, local: { groups: [1], records: [2] } },
    ] as Parameters<typeof writeDiscrepancies>[1][]) {
      const plans = await plansOf((db) => writeDiscrepancies(db, options));
      const [plan, ...others] = plans.filter((p) => p.includes('SEARCH v USING INTEGER PRIMARY KEY'));
      expect(others.filter((p) => p.includes('SEARCH m USING INTEGER PRIMARY KEY'))).toEqual([]);
      // Groups and views are asked about first, each capture's own row only for those neither holds.
      expect(plan).toMatch(
        options.local
          ? /^SCAN json_each .*SEARCH m USING INTEGER PRIMARY KEY.*SEARCH v USING INTEGER PRIMARY KEY.*SEARCH t USING INTEGER PRIMARY KEY/
          : /^SEARCH c USING COVERING INDEX transactions_by_kind \(kind=\? AND provider=\?.*SEARCH m USING INTEGER PRIMARY KEY.*SEARCH t USING INTEGER PRIMARY KEY/,
      );
    }
  });
  it("lists records pending too long from the pending records' index, never the status index", async () => {
    const settings = ReconcileSettings.parse(DEFAULT_RECONCILE_SETTINGS);
    const options = { settings, nowMs: Date.parse('2026-11-03T12:00:00Z'), orphanRefunds: [], days: null };
    const plans = await plansOf((db) => writeDiscrepancies(db, options));
    const pending = plans.filter((p) => p.includes('recon_pending') || p.includes('search_by_status'));
    // Only the rows listed are read: their conditions are all on the index (migration 0025).
    expect(pending).toEqual([expect.stringMatching(/^SCAN t USING INDEX recon_pending\b/)]);
  });
});
