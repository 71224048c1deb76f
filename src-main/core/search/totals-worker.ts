/*
 * A worker thread of the parallel totals (parallel-totals.ts): its own read-only connection to the
 * cache, running the queries it is sent.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { Sql, all } from '../store/sql.ts';

export interface TotalsJob {
  id: number;
  text: string;
  values: readonly unknown[];
}
export type TotalsReply = { id: number; rows: unknown[] } | { id: number; error: string };

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');

parentPort?.on('message', (job: TotalsJob) => {
  let reply: TotalsReply;
  try {
    reply = { id: job.id, rows: all(db, new Sql(job.text, job.values)) };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).message };
  }
  parentPort?.postMessage(reply);
});
