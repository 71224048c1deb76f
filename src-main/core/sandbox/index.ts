import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CREDENTIALS } from './credentials.ts';
import { centsEmulator } from './emulators/cents/cents-emulator.ts';
import { sensePassEmulator } from './emulators/sensepass/sensepass-emulator.ts';
import { sentryPosEmulator } from './emulators/sentrypos/sentrypos-emulator.ts';
import { tgiEmulator } from './emulators/tgi/tgi-emulator.ts';
import type { Emulator, EmulatorContext, ProviderId } from './emulators/types.ts';
import { vippsEmulator } from './emulators/vipps/vipps-emulator.ts';
import type { FaultConfig } from './faults/fault-config.ts';
import { FaultEngine } from './faults/fault-engine.ts';
import { startServer } from './server.ts';
import type { ImperfectionRates, WorldOptions } from './world/options.ts';
import { World, type SandboxWorld } from './world/world.ts';

export type { ProviderId } from './emulators/types.ts';
export type { FaultConfig, FaultKind, FaultRule } from './faults/fault-config.ts';
export { FAULT_KINDS, FAULT_PROFILES } from './faults/fault-config.ts';
export type { FaultEngine, FaultFiring } from './faults/fault-engine.ts';
export type { ImperfectionRates } from './world/options.ts';
export type { DatasetId, SandboxWorld, WorldChange } from './world/world.ts';
export { DATASETS } from './world/world.ts';
export { DEMO_CREDENTIALS };

export interface SandboxOptions {
  seed?: number;
  days?: number;
  salesPerDay?: number;
  timeZone?: string;
  currency?: string;
  /** 'YYYY-MM-DD' in the shop's zone: the last, still open trading day (its "now" is 12:00). */
  today?: string;
  /** The world's "now" (epoch ms; default 12:00 of `today`) and first day (instead of `days`): see WorldOptions. */
  now?: number;
  firstDay?: string;
  /** A profile name ('none', 'flaky', 'all', 'changing'; comma-separated to combine) or explicit rules. */
  faults?: string | FaultConfig;
  /** Divides rate-limit windows, token lifetimes, stalls and background delays (tests). */
  speedUp?: number;
  port?: number;
  dataDir?: string;
  /** Imperfection rates (0–1) overriding the defaults. */
  rates?: Partial<ImperfectionRates>;
  /** SensePass's currencies (the second-currency case); default ['ILS', 'USD']. */
  sensePassCurrencies?: string[];
  /** Each provider's constant clock offset against the POS, in ms (default TGI +4 min, SensePass −3, Cents +2). */
  clockOffsetsMs?: WorldOptions['clockOffsetsMs'];
}

export interface RunningSandbox {
  url: string;
  baseUrls: Record<ProviderId, string>;
  credentials: Record<ProviderId, Record<string, string>>;
  /** Moves to a per-run copy once the world is mutated; read it after the mutations. */
  readonly groundTruthPath: string;
  world: SandboxWorld;
  /** Change fault rules at runtime: `sandbox.faults.configure('all')`; `sandbox.faults.log` lists firings. */
  faults: FaultEngine;
  close(): Promise<void>;
}

const PREFIX_PATHS: Record<ProviderId, string> = {
  sentrypos: '/sentrypos',
  vipps: '/vipps',
  tgi: '/tgi',
  sensepass: '/sensepass/api',
  cents: '/cents/v1',
};

/** Starts the world (generated or reused from dataDir) and every emulator on one 127.0.0.1 port. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  // Built first so a bad profile name fails before any world is generated or opened.
  const faults = new FaultEngine(opts.faults ?? 'none', opts.seed ?? 1);
  const world = await World.openAsync(
    {
      seed: opts.seed,
      days: opts.days,
      salesPerDay: opts.salesPerDay,
      timeZone: opts.timeZone,
      currency: opts.currency,
      today: opts.today,
      now: opts.now,
      firstDay: opts.firstDay,
      rates: opts.rates,
      sensePassCurrencies: opts.sensePassCurrencies,
      clockOffsetsMs: opts.clockOffsetsMs,
    },
    opts.dataDir ?? join(tmpdir(), 'posrecon-sandbox'),
  );
  const ctx: EmulatorContext = { world, faults, speedUp: opts.speedUp ?? 1, now: () => Date.now() };
  const emulators: Emulator[] = [
    sentryPosEmulator(ctx),
    vippsEmulator(ctx),
    tgiEmulator(ctx),
    sensePassEmulator(ctx),
    centsEmulator(ctx),
  ];
  let server;
  try {
    server = await startServer(emulators, ctx, opts.port ?? 0);
  } catch (err) {
    world.close();
    throw err;
  }
  const url = server.url;
  const baseUrls = Object.fromEntries(
    Object.entries(PREFIX_PATHS).map(([p, path]) => [p, `${url}${path}`]),
  ) as Record<ProviderId, string>;
  const credentials: Record<ProviderId, Record<string, string>> = {
    ...DEMO_CREDENTIALS,
    cents: { ...DEMO_CREDENTIALS.cents, tokenUrl: `${url}/cents/oauth2/token` },
  };
  const srv = server;
  return {
    url,
    baseUrls,
    credentials,
    get groundTruthPath() {
      return world.groundTruthPath;
    },
    world,
    faults,
    async close() {
      await srv.close();
      world.close();
    },
  };
}
