import type { Migration } from './migration.ts';

/*
 * Reconciliation, kept apart from synced data: nothing here rewrites a transaction row.
 *
 * Derived (rebuilt from the cache plus the decisions at any time, per business day):
 *  - recon_groups: one per POS sale (a SentryPOS invoice), with how it was linked, its score, the
 *    per-field evidence as JSON, and a version (hash of its members) that makes a stale decision
 *    detectable. Payments no sale claimed have no group: they are found by an anti-join.
 *  - recon_members: which group each record belongs to, and its role. A record is in at most one group.
 *  - recon_views: records that are a second view of a money movement another record already counts
 *    (a Vipps Report funds entry of a Sales API capture; a fees-ledger fees-retained of the funds one).
 *  - recon_payouts / recon_settlements: each Vipps payout, what it settles and its expected net.
 *  - recon_discrepancies: named classes of what does not add up, with their records.
 *
 * Not derived (people's decisions, by stable keys so they survive a re-sync, a rebuild and an upgrade):
 *  - recon_decisions: accept, reject, link, unlink; undone_at marks an undone one (never deleted).
 *
 * recon_dirty_days is filled by triggers on transactions, so any writer marks the business days a
 * reconcile run must look at again; the run empties it.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'reconcile',
  sql: `
    CREATE TABLE recon_groups (
      id          INTEGER PRIMARY KEY,
      key         TEXT NOT NULL UNIQUE,
      anchor_date TEXT NOT NULL,
      state       TEXT NOT NULL CHECK (state IN ('linked', 'review', 'unmatched', 'explained')),
      method      TEXT NOT NULL CHECK (method IN ('key', 'score', 'person', 'none')),
      score       REAL,
      providers   TEXT NOT NULL,
      currency    TEXT NOT NULL,
      sale_minor  INTEGER NOT NULL,
      paid_minor  INTEGER NOT NULL,
      version     TEXT NOT NULL,
      evidence    TEXT CHECK (evidence IS NULL OR json_valid(evidence))
    ) STRICT;
    CREATE INDEX recon_groups_by_day ON recon_groups (anchor_date, state);
    -- reconcile:list pages each state by day and id.
    CREATE INDEX recon_groups_by_state ON recon_groups (state, anchor_date, id);

    CREATE TABLE recon_members (
      transaction_id INTEGER PRIMARY KEY REFERENCES transactions (id) ON DELETE CASCADE,
      group_id       INTEGER NOT NULL REFERENCES recon_groups (id) ON DELETE CASCADE,
      role           TEXT NOT NULL CHECK (role IN ('sale', 'payment', 'view', 'attempt', 'refund', 'fee',
                                                   'duplicate', 'pre-transaction'))
    ) STRICT;
    CREATE INDEX recon_members_by_group ON recon_members (group_id, role);

    CREATE TABLE recon_views (
      transaction_id INTEGER PRIMARY KEY REFERENCES transactions (id) ON DELETE CASCADE,
      primary_id     INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
      business_date  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX recon_views_by_day ON recon_views (business_date);

    CREATE TABLE recon_payouts (
      transaction_id    INTEGER PRIMARY KEY REFERENCES transactions (id) ON DELETE CASCADE,
      connection_id     TEXT NOT NULL,
      ledger_id         TEXT NOT NULL,
      ledger_date       TEXT NOT NULL,
      first_date        TEXT NOT NULL,
      currency          TEXT NOT NULL,
      actual_minor      INTEGER NOT NULL,
      captures_minor    INTEGER NOT NULL,
      refunds_minor     INTEGER NOT NULL,
      fees_minor        INTEGER NOT NULL,
      adjustments_minor INTEGER NOT NULL,
      expected_minor    INTEGER NOT NULL,
      difference_minor  INTEGER NOT NULL,
      items             INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX recon_payouts_by_date ON recon_payouts (ledger_date);
    CREATE TABLE recon_settlements (
      transaction_id INTEGER PRIMARY KEY REFERENCES transactions (id) ON DELETE CASCADE,
      payout_id      INTEGER NOT NULL REFERENCES recon_payouts (transaction_id) ON DELETE CASCADE
    ) STRICT;
    CREATE INDEX recon_settlements_by_payout ON recon_settlements (payout_id);

    CREATE TABLE recon_discrepancies (
      id              INTEGER PRIMARY KEY,
      class           TEXT NOT NULL,
      business_date   TEXT NOT NULL,
      provider        TEXT NOT NULL,
      currency        TEXT NOT NULL,
      amount_minor    INTEGER NOT NULL,
      group_id        INTEGER REFERENCES recon_groups (id) ON DELETE CASCADE,
      transaction_ids TEXT NOT NULL CHECK (json_valid(transaction_ids)),
      detail          TEXT CHECK (detail IS NULL OR json_valid(detail))
    ) STRICT;
    CREATE INDEX recon_discrepancies_by_class ON recon_discrepancies (class, business_date, id);
    CREATE INDEX recon_discrepancies_by_day ON recon_discrepancies (business_date);

    CREATE TABLE recon_decisions (
      id                 INTEGER PRIMARY KEY,
      at                 TEXT NOT NULL,
      actor              TEXT NOT NULL,
      action             TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'link', 'unlink')),
      sale_key           TEXT NOT NULL,
      record_provider    TEXT NOT NULL,
      record_connection  TEXT NOT NULL,
      record_external_id TEXT NOT NULL,
      group_key          TEXT,
      group_version      TEXT,
      note               TEXT,
      undone_at          TEXT,
      undone_by          TEXT
    ) STRICT;
    CREATE INDEX recon_decisions_active ON recon_decisions (undone_at, id);

    CREATE TABLE recon_dirty_days (date TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    CREATE TRIGGER recon_dirty_insert AFTER INSERT ON transactions BEGIN
      INSERT OR IGNORE INTO recon_dirty_days (date) VALUES (NEW.business_date);
    END;
    CREATE TRIGGER recon_dirty_update AFTER UPDATE ON transactions BEGIN
      INSERT OR IGNORE INTO recon_dirty_days (date) VALUES (OLD.business_date), (NEW.business_date);
    END;
    CREATE TRIGGER recon_dirty_delete AFTER DELETE ON transactions BEGIN
      INSERT OR IGNORE INTO recon_dirty_days (date) VALUES (OLD.business_date);
    END;
    -- An upgraded cache has never been reconciled: its first run looks at every day.
    INSERT OR IGNORE INTO recon_dirty_days (date) SELECT DISTINCT business_date FROM transactions;

    -- Matching reads each business day's records of one provider and kind.
    CREATE INDEX transactions_by_day_provider ON transactions (business_date, provider, kind);
    -- The refund pass looks for refunds no group holds yet, whatever their day.
    CREATE INDEX transactions_by_kind ON transactions (kind, provider, business_date);
  `,
};
