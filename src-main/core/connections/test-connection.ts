import type { ConnectionInfo, Connector, SecretFields, StreamContext } from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import type { HttpOverrides } from '../sync/engine.ts';
import { createProviderHttp } from '../sync/provider-http.ts';
import { redactSecrets } from '../sync/redact-secrets.ts';
import type { SecretSource } from '../sync/secret-source.ts';

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
  const parsed = connector.configSchema.safeParse(connection.config);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || 'settings';
    return {
      ok: false,
      kind: 'config',
      message: `The settings are not valid (${where}: ${first?.message}).`,
    };
  }
  const info: ConnectionInfo = { ...connection, config: parsed.data };
  let secrets: SecretFields = {};
  const signal = new AbortController().signal;
  try {
    secrets = await deps.secrets(info);
    const ctx: Omit<StreamContext, 'http'> = {
      connection: info,
      secrets,
      shopTimeZone: deps.shopTimeZone,
      shopCurrency: deps.shopCurrency,
      window: { since: null, lookbackDays: 0, today: deps.today },
      signal,
    };
    const http = createProviderHttp({
      retries: 1,
      timeoutMs: 15_000,
      backoffBaseMs: 200,
      ...deps.http,
      providerName: connector.displayName,
      baseUrl: (parsed.data as { baseUrl?: string }).baseUrl ?? connector.defaultBaseUrl,
      signal,
      budget: null,
      authorize: connector.authorizer(ctx),
    });
    await connector.test({ ...ctx, http });
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
  }
}
