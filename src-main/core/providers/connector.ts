import type { z } from 'zod';
import type { DayCompleteness } from '../model/day-completeness.ts';
import type { SecretFields } from '../model/secret-fields.ts';
import type { CanonicalTransaction, ProviderId } from '../model/transaction.ts';
import type { ProviderHttp } from './shared/provider-http.ts';
import type { ProviderWords } from './shared/words.ts';

/**
 * What every provider folder exports. A sixth provider is one more folder implementing this and one
 * line in `registry.ts`; the engine, CLI and UI know nothing provider-specific.
 */
export type { DayCompleteness, SecretFields };

export interface ConnectionInfo {
  id: string;
  name: string;
  provider: ProviderId;
  /** Non-secret settings, already parsed by the connector's `configSchema`. */
  config: unknown;
  isDemo: boolean;
}

/** One provider record after normalization: either canonical, or quarantined with the reason. */
export type RecordOutcome =
  | { ok: true; record: CanonicalTransaction }
  | { ok: false; raw: unknown; error: string; externalId: string | null };

export interface StreamPage {
  outcomes: RecordOutcome[];
  /** Persisted in the same transaction as this page's rows; null keeps the previous bookmark. */
  bookmark: string | null;
  completeness?: DayCompleteness[];
  /** Best current knowledge of how many records this run will fetch in all, for an ETA. */
  totalHint?: number;
}

export interface SyncWindow {
  /** Explicit start from `--since`; overrides the bookmark when set. */
  since: string | null;
  /** Days before the bookmark to fetch again, to catch late changes (refunds, status changes). */
  lookbackDays: number;
  /** Today's date in the shop's zone; the last (still open) business day. */
  today: string;
}

export interface StreamContext {
  connection: ConnectionInfo;
  secrets: SecretFields;
  http: ProviderHttp;
  shopTimeZone: string;
  /** The shop's default currency (settings): what bare cents amounts are in unless the connection says. */
  shopCurrency: string;
  window: SyncWindow;
  signal: AbortSignal;
  /** Something the connector worked around and a person may want to know (goes to the log). */
  warn?: (message: string) => void;
}

export interface StreamDefinition {
  name: string;
  /** Yields pages from the bookmark on; the engine commits each page before asking for the next. */
  pages(ctx: StreamContext, bookmark: string | null): AsyncIterable<StreamPage>;
}

export interface SecretFieldSpec {
  key: string;
  label: string;
}

export interface Connector<Config = unknown> {
  provider: ProviderId;
  displayName: string;
  /** Production base URL; a connection's `config.baseUrl` overrides it (sandbox, staging). */
  defaultBaseUrl: string;
  /** The provider's own published test environment, offered as a one-click choice; null where none exists. */
  sandboxBaseUrl: string | null;
  configSchema: z.ZodType<Config>;
  secretFields: readonly SecretFieldSpec[];
  /** Published request budget, enforced client-side (SentryPOS: 60 per minute per key). */
  budget: { limit: number; intervalMs: number } | null;
  /** Sets up auth for this connection's HTTP client (token fetch and refresh live in the connector). */
  authorizer(
    ctx: Omit<StreamContext, 'http'>,
  ): ((headers: Headers, opts: { refresh: boolean }) => Promise<void>) | null;
  streams: readonly StreamDefinition[];
  /** How its records read to a shop manager: reference names, what a record is, how it was paid. */
  words: ProviderWords;
  /** One cheap authenticated request; throws a ConnectorError in plain words when it fails. */
  test(ctx: StreamContext): Promise<void>;
  /**
   * The day a quarantined record belongs to, read from its raw JSON in the terms `SyncWindow.since`
   * has for that stream: a retry, and every incremental sync, reads the stream again from that day.
   * Left out, or null: the engine falls back to the day the record was first seen minus the lookback.
   */
  recordDay?(raw: unknown, stream: string, shopTimeZone: string): string | null;
  /**
   * Every address the secret (or a token made from it) is sent to, from the parsed config; the
   * secret is bound to their origins. Left out: the base URL alone.
   */
  secretOrigins?(config: Config): string[];
}
