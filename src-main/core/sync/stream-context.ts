import type {
  ConnectionInfo,
  Connector,
  SecretFields,
  StreamContext,
  SyncWindow,
} from '../providers/connector.ts';
import { ConnectorError } from '../providers/connector-error.ts';
import { type ProviderHttpOptions, createProviderHttp } from '../providers/shared/provider-http.ts';
import { secretForUse } from './secret-binding.ts';

export type HttpOverrides = Partial<
  Pick<
    ProviderHttpOptions,
    'timeoutMs' | 'retries' | 'backoffBaseMs' | 'backoffLimitMs' | 'maxRetryAfterMs' | 'onAttempt'
  >
>;

/**
 * The connection with its stored settings parsed by the connector's schema. Settings that no longer
 * validate (a provider's rules changed, a hand-edited cache) are a `config` error naming the field.
 */
export function parseConnection(connector: Connector, connection: ConnectionInfo): ConnectionInfo {
  const parsed = connector.configSchema.safeParse(connection.config);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConnectorError(
      'config',
      `The settings of ${connection.name} are not valid (${first?.path.join('.') || 'config'}: ${first?.message}). Fix them in Connections.`,
    );
  }
  return { ...connection, config: parsed.data };
}

export interface StreamContextOptions {
  shopTimeZone: string;
  shopCurrency: string;
  window: SyncWindow;
  signal: AbortSignal;
  warn?: (message: string) => void;
  http?: HttpOverrides;
  /** Divides the connector's request budget (tests, benchmarks); null drops the budget (a one-off test). */
  budgetSpeedUp: number | null;
}

/**
 * What a sync's streams and a connection test both run in: the context and its HTTP client. The one
 * place a stored secret meets a connection's settings, so the one place its origin binding is checked.
 */
export function openStreamContext(
  connector: Connector,
  connection: ConnectionInfo,
  stored: SecretFields,
  options: StreamContextOptions,
): StreamContext {
  const ctx: Omit<StreamContext, 'http'> = {
    connection,
    secrets: secretForUse(connector, connection, stored),
    shopTimeZone: options.shopTimeZone,
    shopCurrency: options.shopCurrency,
    window: options.window,
    signal: options.signal,
    warn: options.warn,
  };
  const speedUp = options.budgetSpeedUp;
  const http = createProviderHttp({
    ...options.http,
    providerName: connector.displayName,
    baseUrl: (connection.config as { baseUrl?: string }).baseUrl ?? connector.defaultBaseUrl,
    signal: options.signal,
    budget:
      connector.budget && speedUp !== null
        ? { limit: connector.budget.limit, intervalMs: connector.budget.intervalMs / speedUp }
        : null,
    authorize: connector.authorizer(ctx),
  });
  return { ...ctx, http };
}
