// What SQLite alone needs, on this machine and in the same run, for the rows a reconcile run reads and
// writes: a lower bound on any run that stores the model the issue prescribes (a group row per payment
// chain with its explanation, a member row per record), however fast its matching. The bench prints it
// beside the run, so a target below it shows as such rather than as slow code.
import { rmSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

export interface Floor {
  groups: number;
  members: number;
  /** The run's group and member rows inserted again by SQLite itself (INSERT … SELECT). */
  writeMs: number;
  writeCpuMs: number;
  /** Records read into JavaScript: their plain columns only (matching also needs their references). */
  records: number;
  readMs: number;
  readCpuMs: number;
}

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** The stored statements that made the reconcile tables and their indexes, retargeted at schema `to`. */
function reconSchema(db: Database, to: string): string[] {
  const made = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_schema WHERE tbl_name IN ('recon_groups', 'recon_members')
          AND sql IS NOT NULL ORDER BY type = 'index', name`,
    )
    .all() as { type: 'table' | 'index'; name: string; sql: string }[];
  if (made.filter((m) => m.type === 'table').length !== 2) throw new Error('no reconcile tables to copy');
  return made.map((m) =>
    m.type === 'table'
      ? m.sql.replace(/^CREATE TABLE (\w+)/, `CREATE TABLE ${to}.$1`)
      : m.sql.replace(/^CREATE (UNIQUE )?INDEX (\w+)/, `CREATE $1INDEX ${to}.$2`),
  );
}

/**
 * The floor of what `db`'s reconcile run stored (`dates`: only the groups anchored on those days, and
 * the records of those days; all when omitted). The rows go into an empty copy of their tables, with
 * the same columns, checks, foreign keys and indexes, in a scratch file in `dir`, in one
 * transaction (a run commits a day at a time, which costs more). They are staged there first in the
 * order a run writes them (by day), so the timed insert reads a plain table, not the store's indexes.
 * Reading is the records' plain columns in one scan, each row handed to JavaScript as an array, as the
 * engine reads them, without the references, lines and twins it also joins.
 */
export function storeFloor(db: Database, dir: string, dates?: readonly string[]): Floor {
  const file = `${dir}/floor.sqlite`;
  const staged = `${dir}/floor-staged.sqlite`;
  const onDays = dates ? `anchor_date IN (SELECT value FROM json_each(@dates))` : '1';
  const params = { dates: JSON.stringify(dates ?? []) };
  db.prepare('ATTACH ? AS floor').run(file);
  // The staged rows in a file of their own, so that reading them does not evict the target's pages
  // from its cache (each attached file has its own).
  db.prepare('ATTACH ? AS staged').run(staged);
  try {
    db.pragma('floor.journal_mode = WAL');
    db.pragma('floor.synchronous = NORMAL');
    // The members' foreign keys name `transactions` in their own schema: the ids they may point at.
    db.exec('CREATE TABLE floor.transactions (id INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO floor.transactions SELECT id FROM main.transactions');
    for (const stmt of reconSchema(db, 'floor')) db.exec(stmt);
    db.prepare(
      `CREATE TABLE staged.groups AS SELECT * FROM main.recon_groups WHERE ${onDays} ORDER BY anchor_date, id`,
    ).run(params);
    db.exec(
      `CREATE TABLE staged.members AS SELECT m.* FROM staged.groups g
         JOIN main.recon_members m ON m.group_id = g.id ORDER BY g.anchor_date, g.id, m.transaction_id`,
    );
    const count = (t: string) => db.prepare(`SELECT count(*) FROM staged.${t}`).pluck().get() as number;
    const groups = count('groups');
    const members = count('members');

    let t = performance.now();
    let cpu = process.cpuUsage();
    db.transaction(() => {
      db.exec('INSERT INTO floor.recon_groups SELECT * FROM staged.groups');
      db.exec('INSERT INTO floor.recon_members SELECT * FROM staged.members');
    })();
    const writeMs = performance.now() - t;
    const writeCpuMs = cpuMs(cpu);

    const read = db
      .prepare(
        `SELECT id, provider, connection_id, external_id, kind, amount_minor, currency, status, provider_status,
                occurred_at, business_date, customer_name, customer_phone, method, network, fingerprint
           FROM main.transactions ${dates ? 'WHERE business_date IN (SELECT value FROM json_each(@dates))' : ''}`,
      )
      .raw();
    t = performance.now();
    cpu = process.cpuUsage();
    let records = 0;
    for (const _ of dates ? read.iterate(params) : read.iterate()) records++;
    return {
      groups,
      members,
      writeMs,
      writeCpuMs,
      records,
      readMs: performance.now() - t,
      readCpuMs: cpuMs(cpu),
    };
  } finally {
    db.exec('DETACH floor');
    db.exec('DETACH staged');
    for (const f of [file, staged])
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(f + suffix, { force: true });
  }
}
