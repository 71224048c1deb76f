import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { ProviderId } from '../model/transaction.ts';
import type {
  ConnectionInfo,
  Connector,
  SecretFields,
  StreamContext,
  StreamDefinition,
} from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import { type ConnectionRecord, listConnections } from '../store/queries/connections.ts';
import { readSettings } from '../store/queries/settings.ts';
import { loadBookmark, quarantinedCount } from '../store/queries/sync-state.ts';
import { isFatalStoreError, storeWriteFailure } from '../store/store-error.ts';
import {
  type RunCounts,
  type RunStatus,
  type StreamScope,
  finishRun,
  markStreamDone,
  markStreamRunning,
  releaseQuarantined,
  startRun,
} from '../store/mutations/sync-state.ts';
import { AnchorWatch } from './anchor-watch.ts';
import { fillQuarantineDays, retryWindow } from './quarantine-retry.ts';
import { forgetReread, rereadWindow } from './reread.ts';
import { commitPage } from './commit-page.ts';
import { redactSecrets } from './redact-secrets.ts';
import { type StreamBudget, withStreamBudget } from './stream-budget.ts';
import { ProgressTracker, type SyncProgress } from './progress.ts';
import { type HttpOverrides, openStreamContext, parseConnection } from './stream-context.ts';
import type { SecretSource } from './secret-source.ts';
import { DEMO_SPEED_UP, type DemoLease, type DemoSandbox } from './demo-sandbox.ts';

/** Knobs tests and benchmarks turn; production uses the client's defaults. */
export type { HttpOverrides };

export interface SyncEngineDeps {
  db: Database;
  connectors: readonly Connector[];
  secrets: SecretSource;
  http?: HttpOverrides;
  /** Divides every connector's budget interval (the sandbox's `speedUp` shrinks its limits alike). */
  budgetSpeedUp?: number;
  /** Clock for stored timestamps and for "today"; tests pin it. */
  now?: () => Date;
  /** Unexpected (non-connector) failures, with stack, for the log; the report carries a safe message. */
  onInternalError?: (connection: ConnectionInfo, err: unknown) => void;
  /** Something a connector worked around (an unreadable token lifetime), for the log. */
  onWarning?: (connection: ConnectionInfo, message: string) => void;
  /** Per stream per run; defaults in stream-budget.ts (tests shrink it). */
  streamBudget?: Partial<StreamBudget>;
  /** Serves demo connections from the embedded sandbox; without it they use their stored address. */
  demo?: DemoSandbox;
}

export interface SyncRequest {
  /** Default: every connection. */
  connectionIds?: readonly string[];
  /** YYYY-MM-DD; refetch from this date regardless of bookmarks. */
  since?: string | null;
  lookbackDays?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

export type ReportStatus = RunStatus;

export interface ConnectionReport extends RunCounts {
  connectionId: string;
  connectionName: string;
  provider: ProviderId;
  /** ok; partial: records sit in quarantine; failed; cancelled (resumes from the last saved page). */
  status: ReportStatus;
  changes: number;
  /** Records of this connection in quarantine after the run, from this run or earlier ones. */
  quarantinedTotal: number;
  error: string | null;
  startedAt: string;
  finishedAt: string;
}

export const DEFAULT_LOOKBACK_DAYS = 7;

const zeroCounts = (): RunCounts & { changes: number } => ({
  pages: 0,
  records: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  changes: 0,
});

/** Carries an already classified failure out of the stream loop: the connection may not go on. */
class StopConnection extends Error {
  readonly failure: [string, RunStatus];
  constructor(failure: [string, RunStatus]) {
    super(failure[0]);
    this.failure = failure;
  }
}

interface RunBase {
  today: string;
  shopTimeZone: string;
  shopCurrency: string;
  signal: AbortSignal;
}

/** Everything one connection's run shares between its streams. */
interface ConnectionRun {
  deps: SyncEngineDeps;
  record: ConnectionRecord;
  request: SyncRequest;
  runId: number;
  providerName: string;
  totals: RunCounts & { changes: number };
  now: () => string;
}

/** Parses the stored config, fetches the secrets and builds the HTTP client: the streams' context. */
async function openConnection(
  deps: SyncEngineDeps,
  connector: Connector,
  record: ConnectionRecord,
  request: SyncRequest,
  base: RunBase,
  demo: DemoLease | null,
): Promise<StreamContext> {
  const info = asInfo(record);
  const connection = parseConnection(connector, demo ? demo.serve(connector, info) : info);
  const secrets = await deps.secrets(connection);
  return openStreamContext(connector, connection, secrets, {
    shopTimeZone: base.shopTimeZone,
    shopCurrency: base.shopCurrency,
    window: {
      since: request.since ?? null,
      lookbackDays: request.lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
      today: base.today,
    },
    signal: base.signal,
    warn: deps.onWarning ? (message) => deps.onWarning?.(connection, message) : undefined,
    http: deps.http,
    // The embedded sandbox's limits are compressed; its connections' budgets follow.
    budgetSpeedUp: demo ? DEMO_SPEED_UP : (deps.budgetSpeedUp ?? 1),
  });
}

/**
 * Runs one connection's streams in order and returns its report. Throws only a fatal store error
 * (the report could not be written either).
 */
async function syncConnection(
  deps: SyncEngineDeps,
  record: ConnectionRecord,
  request: SyncRequest,
  base: RunBase,
): Promise<ConnectionReport> {
  const { db } = deps;
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  const startedAt = now();
  const connector = deps.connectors.find((c) => c.provider === record.provider);
  const run: ConnectionRun = {
    deps,
    record,
    request,
    runId: startRun(db, record.id, startedAt),
    providerName: connector?.displayName ?? record.provider,
    totals: zeroCounts(),
    now,
  };
  let outcome: [string, RunStatus] | null = null;
  let secrets: SecretFields = {};
  let demo: DemoLease | null = null;
  try {
    if (!connector) {
      throw new ConnectorError('config', `This version of posrecon has no connector for ${record.provider}.`);
    }
    demo = (await deps.demo?.leaseFor(db, record)) ?? null;
    const ctx = await openConnection(deps, connector, record, request, base, demo);
    secrets = ctx.secrets;
    fillQuarantineDays(db, connector, record.id, base.shopTimeZone);
    for (const stream of connector.streams) {
      if (base.signal.aborted) throw new ConnectorError('cancelled', 'The sync was cancelled.');
      const failure = await syncStream(run, stream, ctx, connector);
      // A failed stream fails the run; the next stream still runs (its data may be reachable).
      outcome ??= failure;
    }
  } catch (err) {
    if (isFatalStoreError(err)) throw err;
    outcome ??= err instanceof StopConnection ? err.failure : classify(run, err, base.signal, secrets);
  } finally {
    demo?.release();
  }
  const quarantinedTotal = quarantinedCount(db, record.id);
  const status: RunStatus = outcome?.[1] ?? (quarantinedTotal > 0 ? 'partial' : 'ok');
  const error = outcome?.[0] ?? null;
  const finishedAt = now();
  finishRun(db, run.runId, status, error, finishedAt);
  return {
    connectionId: record.id,
    connectionName: record.name,
    provider: record.provider,
    status,
    ...run.totals,
    quarantinedTotal,
    error,
    startedAt,
    finishedAt,
  };
}

function asInfo(r: ConnectionRecord): ConnectionInfo {
  return { id: r.id, name: r.name, provider: r.provider, config: r.config, isDemo: r.isDemo };
}

/**
 * Turns any failure into a report status and a message safe to show and store. Connector errors are
 * already written for the shop manager and pass as given; anything else is a bug, logged with its stack.
 */
function classify(
  run: ConnectionRun,
  err: unknown,
  signal: AbortSignal,
  secrets: SecretFields,
): [string, RunStatus] {
  if (signal.aborted || (err instanceof ConnectorError && err.kind === 'cancelled')) {
    return ['The sync was cancelled; the next sync resumes from the last saved page.', 'cancelled'];
  }
  if (err instanceof ConnectorError) return [redactSecrets(err.message, secrets), 'failed'];
  run.deps.onInternalError?.(asInfo(run.record), err);
  const text = err instanceof Error ? err.message : String(err);
  return [
    redactSecrets(`${run.providerName}: the sync stopped on an unexpected error (${text}).`, secrets),
    'failed',
  ];
}

/**
 * One stream from its bookmark on, a page at a time. Returns the failure when the stream failed but
 * the connection may go on; throws StopConnection when it may not: auth and config errors need a
 * person, and a cancelled run must stop.
 */
async function syncStream(
  run: ConnectionRun,
  stream: StreamDefinition,
  ctx: StreamContext,
  connector: Connector,
): Promise<[string, RunStatus] | null> {
  const { db } = run.deps;
  const scope: StreamScope = {
    provider: run.record.provider,
    connectionId: run.record.id,
    stream: stream.name,
  };
  markStreamRunning(db, scope.connectionId, scope.stream, run.now());
  const tracker = new ProgressTracker({
    connectionId: run.record.id,
    connectionName: run.record.name,
    provider: run.record.provider,
    stream: stream.name,
  });
  const watch = AnchorWatch.load(db, scope);
  // A stream with records in quarantine reads again from the earliest one's day, whatever its bookmark:
  // otherwise a record quarantined by one bad delivery stays missing once the bookmark has moved on.
  // So does one whose history must be read again with the shop's new zone or currency (reread.ts).
  const window = rereadWindow(db, scope, retryWindow(db, scope, ctx.window));
  const budgeted = withStreamBudget({ ...ctx, window }, stream.name, run.deps.streamBudget);
  const dayOf = (raw: unknown) => connector.recordDay?.(raw, stream.name, ctx.shopTimeZone) ?? null;
  try {
    // The connector hands over a whole page before the (synchronous) commit: nothing awaits inside it.
    for await (const page of stream.pages(budgeted, loadBookmark(db, scope.connectionId, scope.stream))) {
      const result = commitPage(db, scope, run.runId, page, run.now(), dayOf);
      watch?.observe(result.validIds, result.idlessKeys);
      for (const k of Object.keys(run.totals) as (keyof ConnectionRun['totals'])[])
        run.totals[k] += result[k];
      run.request.onProgress?.(tracker.page(result.records, result.quarantined, page.totalHint));
      // The page just committed is consistent; stop before asking for the next one.
      if (ctx.signal.aborted) throw new ConnectorError('cancelled', 'The sync was cancelled.');
    }
  } catch (err) {
    // The store cannot take the failure's record either: runSync stops every connection.
    if (isFatalStoreError(err)) throw err;
    const failure = classify(run, err, ctx.signal, ctx.secrets);
    markStreamDone(db, scope, failure[0], run.now());
    run.request.onProgress?.(tracker.snapshot(true));
    const stops = failure[1] === 'cancelled' || (err instanceof ConnectorError && err.stopsConnection);
    if (stops) throw new StopConnection(failure);
    return failure;
  }
  const resolved = watch?.resolved() ?? [];
  db.transaction(() => {
    releaseQuarantined(db, scope, resolved);
    forgetReread(db, scope, ctx);
    markStreamDone(db, scope, null, run.now());
  })();
  run.request.onProgress?.(tracker.snapshot(true));
  return null;
}

/** Today's date in the shop's zone, never the machine's. */
export function shopToday(timeZone: string, now: Date = new Date()): string {
  return DateTime.fromJSDate(now).setZone(timeZone).toISODate() ?? now.toISOString().slice(0, 10);
}

/**
 * Syncs the requested connections (all by default) concurrently, each one's streams in order, and
 * returns one report per connection. Connections fail independently: an auth error on one leaves the
 * others running. Everything committed stays committed; the next run resumes from the bookmarks.
 */
export async function runSync(deps: SyncEngineDeps, request: SyncRequest = {}): Promise<ConnectionReport[]> {
  const settings = readSettings(deps.db);
  const wanted = request.connectionIds ? new Set(request.connectionIds) : null;
  const connections = listConnections(deps.db).filter((c) => !wanted || wanted.has(c.id));
  // A fatal store error (disk full, damage) in one connection cancels the others; every run is
  // waited for, so none is still writing when the caller closes the store.
  const fatal = new AbortController();
  const base = {
    shopTimeZone: settings.timeZone,
    shopCurrency: settings.currency,
    today: shopToday(settings.timeZone, deps.now?.()),
    signal: request.signal ? AbortSignal.any([request.signal, fatal.signal]) : fatal.signal,
  };
  const runs = await Promise.allSettled(
    connections.map((c) =>
      syncConnection(deps, c, request, base).catch((err: unknown) => {
        fatal.abort();
        throw err;
      }),
    ),
  );
  const failed = runs.filter((r) => r.status === 'rejected').map((r) => r.reason as unknown);
  // The first fatal error is the cause; the others' are its echoes (a cancelled run that could not
  // record its end on the same full disk).
  const cause = failed.find(isFatalStoreError) ?? failed[0];
  if (cause !== undefined) throw isFatalStoreError(cause) ? storeWriteFailure(deps.db.name, cause) : cause;
  return runs.map((r) => (r as PromiseFulfilledResult<ConnectionReport>).value);
}
