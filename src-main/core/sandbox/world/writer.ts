import type Database from 'better-sqlite3';

export type TruthProvider = 'sentrypos' | 'vipps' | 'tgi' | 'sensepass' | 'cents';

/** Which sale, and which payment of it (`part`, null where none applies), a truth record belongs to. */
export interface TruthLink {
  saleNo: number;
  invoiceId: string;
  part: number | null;
  /** The payment's imperfection classes (TRUTH_TAGS). */
  tags: readonly string[];
}

/** Inserts provider rows and ground-truth links; shared by the generator and by runtime mutations. */
export class WorldWriter {
  private readonly db: Database.Database;
  private readonly stmts: Record<string, Database.Statement>;

  constructor(db: Database.Database) {
    this.db = db;
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      sentrypos: p(
        'INSERT INTO sentrypos_sales (id, invoice_id, created_ms, status, amount, network, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      vippsSales: p(
        'INSERT INTO vipps_sales (ledger_date, reference, psp_reference, json) VALUES (?, ?, ?, ?)',
      ),
      vippsReport: p(
        'INSERT INTO vipps_report (topic, ledger_date, psp_reference, json) VALUES (?, ?, ?, ?)',
      ),
      tgi: p('INSERT INTO tgi (tid, cid, day, status, json) VALUES (?, ?, ?, ?, ?)'),
      sensepass: p(
        'INSERT INTO sensepass (number, date_ms, status, amount_minor, currency, method_type, json) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      cents: p('INSERT INTO cents (id, external_id, company_id, created_ms, json) VALUES (?, ?, ?, ?, ?)'),
      truth: p(
        'INSERT INTO truth (sale_no, invoice_id, provider, dataset, role, key, payout, part, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      payout: p('UPDATE truth SET payout = ? WHERE rowid = ?'),
    };
  }

  private run(name: string, ...args: unknown[]): number {
    const stmt = this.stmts[name];
    if (!stmt) throw new Error(`no statement ${name}`);
    return Number(stmt.run(...args).lastInsertRowid);
  }

  sentrypos(
    r: { id: string; invoiceId: string; createdMs: number; status: string; amount: number; network: string },
    json: object,
  ): void {
    this.run(
      'sentrypos',
      r.id,
      r.invoiceId,
      r.createdMs,
      r.status,
      r.amount,
      r.network,
      JSON.stringify(json),
    );
  }

  vippsSales(ledgerDate: string, reference: string | null, psp: string | null, json: object): void {
    this.run('vippsSales', ledgerDate, reference, psp, JSON.stringify(json));
  }

  vippsReport(topic: 'funds' | 'fees', ledgerDate: string, psp: string | null, json: object): void {
    this.run('vippsReport', topic, ledgerDate, psp, JSON.stringify(json));
  }

  tgi(r: { tid: string; cid: string; day: string; status: string }, json: object): void {
    this.run('tgi', r.tid, r.cid, r.day, r.status, JSON.stringify(json));
  }

  sensepass(
    r: {
      number: string;
      dateMs: number;
      status: number;
      amountMinor: number;
      currency: string;
      methodType: number;
    },
    json: object,
  ): void {
    this.run(
      'sensepass',
      r.number,
      r.dateMs,
      r.status,
      r.amountMinor,
      r.currency,
      r.methodType,
      JSON.stringify(json),
    );
  }

  cents(r: { id: string; externalId: string; companyId: string; createdMs: number }, json: object): void {
    this.run('cents', r.id, r.externalId, r.companyId, r.createdMs, JSON.stringify(json));
  }

  truth(link: TruthLink, provider: TruthProvider, dataset: string, role: string, key: object): number {
    return this.run(
      'truth',
      link.saleNo,
      link.invoiceId,
      provider,
      dataset,
      role,
      JSON.stringify(key),
      null,
      link.part,
      JSON.stringify(link.tags),
    );
  }

  setPayout(rowids: readonly number[], payout: object): void {
    const json = JSON.stringify(payout);
    for (const id of rowids) this.run('payout', json, id);
  }

  get database(): Database.Database {
    return this.db;
  }
}
