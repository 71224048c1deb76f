/*
 * Generates a world on a thread of its own (world.ts `World.openAsync`): two months of a busy shop take
 * seconds of CPU, and the demo shop is generated again in the core host whenever its clock has moved,
 * while that thread keeps answering the UI.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateWorld } from './generate.ts';
import type { ResolvedWorldOptions } from './options.ts';

export interface GenerateJob {
  options: ResolvedWorldOptions;
  dbPath: string;
  truthPath: string;
}

const job = workerData as GenerateJob;
generateWorld(job.options, job.dbPath, job.truthPath);
parentPort?.postMessage('done');
