import type { Database } from 'better-sqlite3';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionInfo, Connector } from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import { type RunningSandbox, startSandbox } from '../sandbox/index.ts';
import { type DemoWorld, demoConfig, readDemoWorld } from './demo-connections.ts';

/**
 * The sandbox compresses time by this factor (rate-limit windows, token lifetimes) and the engine's
 * budgets for demo connections follow, so a demo's two months of history sync in seconds, not minutes.
 */
export const DEMO_SPEED_UP = 20;

/** One user's hold on the running sandbox: it is not replaced by a newer world until released. */
export interface DemoLease {
  sandbox: RunningSandbox;
  /** The connection with its addresses pointed at the running sandbox. */
  serve(connector: Connector, connection: ConnectionInfo): ConnectionInfo;
  release(): void;
}

export interface DemoSandboxOptions {
  /** Where generated worlds are kept (one at a time): `<home>/demo-sandbox`. */
  dataDir: string;
  /** The world's clock; tests move it. */
  now?: () => Date;
}

// Syncs within one minute share one generated world; a later one regenerates up to its own minute.
const WORLD_STEP_MS = 60_000;

/**
 * The embedded sandbox that serves a home's demo connections: started in-process, on 127.0.0.1 and
 * over real HTTP, the first time a demo connection is synced or tested, and regenerated up to the
 * clock when it has moved on, so a later sync finds the sales, late refunds and payouts that happened
 * since. Never replaced while a sync or test holds it; closed with the core.
 */
export class DemoSandbox {
  readonly #o: DemoSandboxOptions;
  #current: { sandbox: RunningSandbox; world: string; nowMs: number } | null = null;
  #users = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: DemoSandboxOptions) {
    this.#o = options;
  }

  /** The running sandbox for `world`, started (or brought up to the clock) first when needed. */
  acquire(world: DemoWorld): Promise<DemoLease> {
    const next = this.#queue.then(() => this.#acquire(world));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #acquire(world: DemoWorld): Promise<DemoLease> {
    if (this.#closed) throw new ConnectorError('cancelled', 'posrecon is closing.');
    const clock = (this.#o.now?.() ?? new Date()).getTime();
    const nowMs = Math.floor(clock / WORLD_STEP_MS) * WORLD_STEP_MS;
    const key = JSON.stringify(world);
    const current = this.#current;
    const fresh = current?.world === key && (current.nowMs === nowMs || this.#users > 0);
    if (!fresh) {
      if (current && this.#users > 0) {
        throw new ConnectorError('transient', 'The demo shop is being replaced; sync again in a moment.');
      }
      this.#current = null;
      await current?.sandbox.close();
      this.#current = { sandbox: await this.#start(world, nowMs), world: key, nowMs };
    }
    const { sandbox } = this.#current as { sandbox: RunningSandbox };
    this.#users++;
    let released = false;
    return {
      sandbox,
      serve: (connector, connection) => ({
        ...connection,
        config: demoConfig(
          connector,
          sandbox.baseUrls[connection.provider],
          sandbox.credentials[connection.provider],
          world,
          new Date(nowMs),
        ),
      }),
      release: () => {
        if (!released) this.#users--;
        released = true;
      },
    };
  }

  async #start(world: DemoWorld, nowMs: number): Promise<RunningSandbox> {
    let sandbox: RunningSandbox;
    try {
      sandbox = await startSandbox({
        seed: world.seed,
        salesPerDay: world.salesPerDay,
        timeZone: world.timeZone,
        currency: world.currency,
        firstDay: world.firstDay,
        now: nowMs,
        speedUp: DEMO_SPEED_UP,
        dataDir: this.#o.dataDir,
      });
    } catch (err) {
      throw new ConnectorError(
        'config',
        `The demo shop could not start (${(err as Error).message}). Run \`posrecon demo\` again to set it up afresh.`,
        { cause: err },
      );
    }
    this.#removeOldWorlds(sandbox.world.key);
    return sandbox;
  }

  /** Only the world being served is kept: each is ~20 MB, and a new one is made every minute in use. */
  #removeOldWorlds(keep: string): void {
    let names: string[];
    try {
      names = readdirSync(this.#o.dataDir);
    } catch {
      return;
    }
    for (const name of names) {
      // A `.tmp-` file is a world another process is generating right now.
      if (!name.startsWith('posrecon-sandbox-') || name.includes(keep) || name.includes('.tmp-')) continue;
      try {
        rmSync(path.join(this.#o.dataDir, name), { force: true });
      } catch {
        // Another process (the app and a CLI sync on one home) still reads it: Windows refuses, and it
        // goes next time. On Linux and macOS its reader keeps the open file.
      }
    }
  }

  /** A demo connection's lease, or null for any other (and for a demo pointed at a test's own sandbox). */
  async leaseFor(db: Database, connection: { isDemo: boolean }): Promise<DemoLease | null> {
    const world = connection.isDemo ? readDemoWorld(db) : null;
    return world ? this.acquire(world) : null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const current = this.#current;
    this.#current = null;
    await current?.sandbox.close();
  }
}
