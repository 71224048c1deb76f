/*
 * The export's own thread (export-service.ts): a 1M-row workbook takes tens of seconds of CPU, and the
 * thread that answers the UI must stay free meanwhile. It opens its own read-only connection.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BookedChunk } from './booked-rows.ts';
import { BookedRowsChanged, ExportCancelled, type ExportOptions, exportWorkbook } from './export-workbook.ts';

export type WorkerJob = Omit<ExportOptions, 'signal' | 'onProgress' | 'now' | 'onBooked'> & {
  now: string;
  /** Closing the period: the booked rows come back as 'booked' messages. */
  close?: boolean;
  /** Set to 1 by the service to cancel: read synchronously, as the export may not yield to messages. */
  cancelFlag: SharedArrayBuffer;
};
export type WorkerMessage =
  | { type: 'progress'; sheet: string; rows: number; totalRows: number }
  | { type: 'booked'; chunk: BookedChunk }
  | { type: 'done'; result: Awaited<ReturnType<typeof exportWorkbook>> }
  | { type: 'error'; message: string; cancelled: boolean; code?: string };

const job = workerData as WorkerJob;
const abort = new AbortController();
const flag = new Int32Array(job.cancelFlag);
// The rows loop awaits only settled promises, so a 'cancel' message may wait till the end; the shared
// flag is looked at on every progress call (each sheet and every 5,000 rows) instead.
const checkFlag = () => {
  if (Atomics.load(flag, 0) === 1 && !abort.signal.aborted) abort.abort();
};
parentPort?.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') abort.abort();
});

const post = (m: WorkerMessage) => parentPort?.postMessage(m);
let last = 0;
const { close, ...options } = job;
exportWorkbook({
  ...options,
  now: new Date(job.now),
  signal: abort.signal,
  // The chunk's buffer moves to the service's thread instead of being copied.
  onBooked: close
    ? (chunk) => parentPort?.postMessage({ type: 'booked', chunk }, [chunk.body.buffer as ArrayBuffer])
    : undefined,
  onProgress: (p) => {
    checkFlag();
    // A message per 5,000 rows is plenty for a bar, and cheap for the thread that receives it.
    if (p.sheet === 'done' || p.rows - last >= 5000 || p.rows === 0) {
      last = p.rows;
      post({ type: 'progress', ...p });
    }
  },
}).then(
  (result) => post({ type: 'done', result }),
  (err: unknown) =>
    post({
      type: 'error',
      message: (err as Error).message,
      cancelled: err instanceof ExportCancelled,
      code: err instanceof BookedRowsChanged ? err.code : undefined,
    }),
);
