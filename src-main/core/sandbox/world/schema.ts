import type Database from 'better-sqlite3';

// One table per provider dataset, each row holding the exact JSON the emulator serves plus the columns
// its paging queries filter and order on. Indexes are created after the bulk load (much faster) and
// each matches one query shape, so every page is an index range scan even on a 1M-transaction world.
const TABLES = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE sentrypos_sales (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, invoice_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL, status TEXT NOT NULL, amount INTEGER NOT NULL, network TEXT NOT NULL,
  json TEXT NOT NULL) STRICT;
CREATE TABLE vipps_sales (seq INTEGER PRIMARY KEY, ledger_date TEXT NOT NULL, reference TEXT,
  psp_reference TEXT, json TEXT NOT NULL) STRICT;
CREATE TABLE vipps_report (seq INTEGER PRIMARY KEY, topic TEXT NOT NULL, ledger_date TEXT NOT NULL,
  psp_reference TEXT, json TEXT NOT NULL) STRICT;
CREATE TABLE tgi (seq INTEGER PRIMARY KEY, tid TEXT NOT NULL, cid TEXT NOT NULL, day TEXT NOT NULL,
  status TEXT NOT NULL, json TEXT NOT NULL) STRICT;
CREATE TABLE sensepass (seq INTEGER PRIMARY KEY, number TEXT NOT NULL, date_ms INTEGER NOT NULL,
  status INTEGER NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, method_type INTEGER NOT NULL,
  json TEXT NOT NULL) STRICT;
CREATE TABLE cents (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, external_id TEXT NOT NULL,
  company_id TEXT NOT NULL, created_ms INTEGER NOT NULL, json TEXT NOT NULL) STRICT;
CREATE TABLE truth (sale_no INTEGER NOT NULL, invoice_id TEXT NOT NULL, provider TEXT NOT NULL,
  dataset TEXT NOT NULL, role TEXT NOT NULL, key TEXT NOT NULL, payout TEXT, part INTEGER,
  tags TEXT NOT NULL) STRICT;
`;

const INDEXES = `
CREATE INDEX sentrypos_sales_created ON sentrypos_sales (created_ms, seq);
CREATE INDEX sentrypos_sales_status ON sentrypos_sales (status, created_ms, seq);
CREATE INDEX sentrypos_sales_id ON sentrypos_sales (id);
-- Covering index for the summary, so aggregates never read the JSON rows.
CREATE INDEX sentrypos_sales_summary ON sentrypos_sales (created_ms, status, amount, network);
CREATE INDEX vipps_sales_date ON vipps_sales (ledger_date, seq);
CREATE INDEX vipps_sales_ref ON vipps_sales (reference, seq);
CREATE INDEX vipps_sales_psp ON vipps_sales (psp_reference, seq);
CREATE INDEX vipps_report_feed ON vipps_report (topic, seq);
CREATE INDEX vipps_report_date ON vipps_report (topic, ledger_date, seq);
CREATE INDEX tgi_day ON tgi (day, seq);
CREATE INDEX tgi_tid ON tgi (tid);
CREATE INDEX tgi_cid ON tgi (cid, day, seq);
CREATE INDEX sensepass_date ON sensepass (date_ms, seq);
CREATE INDEX sensepass_number ON sensepass (number);
CREATE INDEX cents_created ON cents (created_ms, seq);
CREATE INDEX cents_company ON cents (company_id, created_ms, seq);
CREATE INDEX cents_external ON cents (external_id, created_ms, seq);
CREATE INDEX truth_sale ON truth (sale_no);
`;

export function createTables(db: Database.Database): void {
  db.exec(TABLES);
}

export function createIndexes(db: Database.Database): void {
  db.exec(INDEXES);
}
