import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { ProviderId } from '../model/transaction.ts';
import type { Connector } from '../providers/connector.ts';
import { appendAudit } from '../store/mutations/audit.ts';
import { addConnection, removeConnection, updateConnection } from '../store/mutations/connections.ts';
import { lastAuditDetails } from '../store/queries/audit.ts';
import { listConnections } from '../store/queries/connections.ts';

/**
 * Which world a home's demo connections read, as `posrecon demo` records it (audit action
 * `demo:world`). Older demos recorded the whole resolved options, which carry these fields too. A
 * home whose record is something else (a test pointing demo connections at its own sandbox) keeps
 * the addresses stored on its connections.
 */
export const demoWorldSchema = z.object({
  seed: z.number().int().nonnegative(),
  salesPerDay: z.number().nonnegative(),
  /** The history asked for when the world began; the world itself grows a day each day. */
  days: z.number().int().positive(),
  timeZone: z.string(),
  currency: z.string(),
  firstDay: z.iso.date(),
});
export type DemoWorld = z.infer<typeof demoWorldSchema>;

export function readDemoWorld(db: Database): DemoWorld | null {
  const parsed = demoWorldSchema.safeParse(lastAuditDetails(db, 'demo:world'));
  return parsed.success ? parsed.data : null;
}

/** What demo connections are made from: a running sandbox's addresses and published credentials. */
export interface DemoEndpoints {
  baseUrls: Record<ProviderId, string>;
  credentials: Record<ProviderId, Record<string, string>>;
}

/**
 * Days from the demo's first day to `now`, both counted, plus one for a shop zone ahead of UTC:
 * enough for a first sync to read the whole history, and never below the connectors' usual window.
 */
export function demoHistoryDays(world: DemoWorld, now: Date): number {
  const days = Math.floor((now.getTime() - Date.parse(`${world.firstDay}T00:00:00Z`)) / 86_400_000) + 2;
  return Math.min(3650, Math.max(90, days));
}

/**
 * Demo config from the sandbox's published credentials: the base URL plus only the non-secret fields
 * the connector's schema insists on. Extras (a legacy branch number, keys that provoke 403s) would
 * switch connectors into other modes; the demo uses each connector's defaults. Secrets stay out:
 * the engine's demo secret source supplies them.
 */
export function demoConfig(
  connector: Connector,
  baseUrl: string,
  published: Record<string, string>,
  world?: DemoWorld | null,
  now: Date = new Date(),
): unknown {
  const secret = new Set(connector.secretFields.map((f) => f.key));
  const config: Record<string, string | number> = { baseUrl };
  // A first sync reads `historyDays` back (90 by default); a demo asked for a longer history (`posrecon
  // demo --days 365`) must read all of it, or its older payments have no sale to match. A connector
  // without the setting (Vipps reads its ledgers whole) drops the key when its schema parses it.
  if (world) config.historyDays = demoHistoryDays(world, now);
  for (;;) {
    const parsed = connector.configSchema.safeParse(config);
    if (parsed.success) return parsed.data;
    const missing = parsed.error.issues
      .map((i) => String(i.path[0] ?? ''))
      .filter((k) => k in published && !secret.has(k) && !(k in config));
    if (!missing.length) throw new Error(`${connector.displayName}: ${parsed.error.issues[0]?.message}`);
    for (const k of missing) config[k] = published[k] ?? '';
  }
}

/**
 * Creates or refreshes one demo connection (is_demo = 1) per provider. The same world keeps its
 * connections, so re-running the demo is an idempotent re-sync (and decisions on demo data survive);
 * another world (seed, days, today…) starts over, as its records are not the old ones.
 */
export function prepareDemoConnections(
  db: Database,
  connectors: readonly Connector[],
  sandbox: DemoEndpoints,
  world: unknown,
  actor: string,
): string[] {
  const recorded = lastAuditDetails(db, 'demo:world');
  // An older demo recorded every resolved option; what identifies its world is the same few fields.
  const parsed = demoWorldSchema.safeParse(recorded);
  const previous = parsed.success ? parsed.data : recorded;
  const sameWorld = JSON.stringify(previous) === JSON.stringify(world);
  const existing = listConnections(db).filter((c) => c.isDemo);
  if (!sameWorld) for (const c of existing) removeConnection(db, c.id, actor);
  const ids: string[] = [];
  for (const connector of connectors) {
    const { provider } = connector;
    const config = demoConfig(
      connector,
      sandbox.baseUrls[provider],
      sandbox.credentials[provider],
      demoWorldSchema.safeParse(world).data,
    );
    const found = sameWorld ? existing.find((c) => c.provider === provider) : undefined;
    // The sandbox listens on a new port each run, so the base URL is refreshed every time.
    const conn = found
      ? updateConnection(db, found.id, { config }, actor)
      : addConnection(db, { provider, name: `Demo ${connector.displayName}`, config, isDemo: true }, actor);
    if (conn) ids.push(conn.id);
  }
  if (!sameWorld) appendAudit(db, { actor, action: 'demo:world', subject: null, details: world });
  return ids;
}
