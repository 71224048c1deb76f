import type { ConnectionInfo, Connector, SecretFields } from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import { redactSecrets } from '../sync/redact-secrets.ts';
import { type HttpOverrides, openStreamContext, parseConnection } from '../sync/stream-context.ts';
import type { SecretSource } from '../sync/secret-source.ts';
import type { DemoLease } from '../sync/demo-sandbox.ts';

export interface TestOutcome {
  ok: boolean;
  message: string;
  kind: string | null;
}

export interface TestConnectionDeps {
  secrets: SecretSource;
  http?: HttpOverrides;
  shopTimeZone: string;
  shopCurrency: string;
  today: string;
  /** A demo connection's hold on the embedded sandbox that serves it (null for any other). */
  demoLease?: () => Promise<DemoLease | null>;
  /** Unexpected failures, with stack, for the log; the result carries a safe message. */
  onInternalError?: (err: unknown) => void;
}

/**
 * The connector's own cheap authenticated request, made once with few retries: a person is waiting
 * on the answer, and a wrong address should say so in seconds rather than after a minute of backoff.
 */
export async function testConnection(
  connector: Connector,
  connection: ConnectionInfo,
  deps: TestConnectionDeps,
): Promise<TestOutcome> {
  let info: ConnectionInfo;
  let demo: DemoLease | null = null;
  try {
    demo = (await deps.demoLease?.()) ?? null;
    info = parseConnection(connector, demo ? demo.serve(connector, connection) : connection);
  } catch (err) {
    demo?.release();
    const kind = err instanceof ConnectorError ? err.kind : 'config';
    return { ok: false, kind, message: (err as Error).message };
  }
  let secrets: SecretFields = {};
  try {
    secrets = await deps.secrets(info);
    const ctx = openStreamContext(connector, info, secrets, {
      shopTimeZone: deps.shopTimeZone,
      shopCurrency: deps.shopCurrency,
      window: { since: null, lookbackDays: 0, today: deps.today },
      signal: new AbortController().signal,
      http: { retries: 1, timeoutMs: 15_000, backoffBaseMs: 200, ...deps.http },
      budgetSpeedUp: null,
    });
    await connector.test(ctx);
    return {
      ok: true,
      kind: null,
      message: `Connected to ${connector.displayName}: the credentials were accepted.`,
    };
  } catch (err) {
    if (err instanceof ConnectorError) {
      return { ok: false, kind: err.kind, message: redactSecrets(err.message, secrets) };
    }
    deps.onInternalError?.(err);
    const text = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      kind: 'internal',
      message: redactSecrets(
        `${connector.displayName}: the test stopped on an unexpected error (${text}).`,
        secrets,
      ),
    };
  } finally {
    demo?.release();
  }
}
