import type { Migration } from './migration.ts';

/** The first schema. Shipped migrations are never edited: later changes go in a new numbered file. */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE settings (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL CHECK (json_valid(value))
    ) STRICT;

    -- Non-secret configuration only: secrets live in the OS keychain, keyed by connection id.
    CREATE TABLE connections (
      id         TEXT PRIMARY KEY,
      provider   TEXT NOT NULL,
      name       TEXT NOT NULL UNIQUE,
      config     TEXT NOT NULL CHECK (json_valid(config)),
      is_demo    INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE sync_state (
      connection_id    TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      stream           TEXT NOT NULL,
      bookmark         TEXT,
      status           TEXT NOT NULL DEFAULT 'idle',
      last_started_at  TEXT,
      last_finished_at TEXT,
      last_error       TEXT,
      PRIMARY KEY (connection_id, stream)
    ) STRICT;

    CREATE TABLE transactions (
      id              INTEGER PRIMARY KEY,
      provider        TEXT NOT NULL,
      connection_id   TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
      external_id     TEXT NOT NULL,
      kind            TEXT NOT NULL CHECK (kind IN ('sale', 'capture', 'refund', 'fee', 'payout', 'adjustment')),
      amount_minor    INTEGER NOT NULL,
      currency        TEXT NOT NULL CHECK (length(currency) = 3),
      status          TEXT NOT NULL,
      provider_status TEXT,
      occurred_at     TEXT NOT NULL,
      occurred_at_raw TEXT NOT NULL,
      business_date   TEXT NOT NULL,
      ledger_date     TEXT,
      customer_name   TEXT,
      customer_email  TEXT,
      customer_phone  TEXT,
      method          TEXT,
      network         TEXT,
      description     TEXT,
      raw_json        TEXT NOT NULL,
      synced_at       TEXT NOT NULL,
      updated_at      TEXT NOT NULL,
      UNIQUE (provider, connection_id, external_id)
    ) STRICT;
    -- The browse list: newest business day first, stable tie-break on id for keyset paging.
    CREATE INDEX transactions_by_date ON transactions (business_date DESC, id DESC);

    -- Every reference a record carries, one row each, so matching can join on any of them.
    CREATE TABLE transaction_refs (
      transaction_id INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
      kind           TEXT NOT NULL,
      value          TEXT NOT NULL,
      PRIMARY KEY (transaction_id, kind, value)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX transaction_refs_by_value ON transaction_refs (value, kind);

    CREATE TABLE transaction_lines (
      transaction_id         INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
      line_no                INTEGER NOT NULL,
      name                   TEXT NOT NULL,
      quantity               REAL NOT NULL,
      unit                   TEXT,
      unit_price_gross_minor INTEGER,
      unit_price_net_minor   INTEGER,
      line_gross_minor       INTEGER NOT NULL,
      line_net_minor         INTEGER,
      discount_minor         INTEGER NOT NULL DEFAULT 0,
      vat_rate_bp            INTEGER,
      vat_minor              INTEGER,
      category               TEXT,
      PRIMARY KEY (transaction_id, line_no)
    ) STRICT;

    -- Upstream changes to known records, before and after; never silently overwritten.
    CREATE TABLE change_log (
      id             INTEGER PRIMARY KEY,
      transaction_id INTEGER REFERENCES transactions (id) ON DELETE SET NULL,
      provider       TEXT NOT NULL,
      connection_id  TEXT NOT NULL,
      external_id    TEXT NOT NULL,
      changed_at     TEXT NOT NULL,
      field          TEXT NOT NULL,
      before         TEXT,
      after          TEXT
    ) STRICT;
    CREATE INDEX change_log_by_transaction ON change_log (transaction_id, id);

    -- What people and commands did (settings changed, connections added, …). Never holds secrets.
    CREATE TABLE audit_log (
      id      INTEGER PRIMARY KEY,
      at      TEXT NOT NULL,
      actor   TEXT NOT NULL,
      action  TEXT NOT NULL,
      subject TEXT,
      details TEXT CHECK (details IS NULL OR json_valid(details))
    ) STRICT;
  `,
};
