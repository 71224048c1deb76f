import { ConnectorError } from '../connector-error.ts';
import type { Connector } from '../connector.ts';
import { createVippsAuthorizer, type VippsAuthOptions } from './auth.ts';
import { listLedgers } from './client.ts';
import {
  VIPPS_BASE_URL,
  VIPPS_NAME,
  VIPPS_SECRET_FIELDS,
  vippsConfigSchema,
  type VippsConfig,
} from './config.ts';
import { reportStream, salesStream } from './streams.ts';
import { dayFromFields } from '../shared/record-day.ts';
import { vippsWords } from './words.ts';

/**
 * Vipps MobilePay: the Sales API (order lines and VAT per capture/refund) and the Report API's funds
 * and fees ledgers (captures, refunds, fees, payouts). Options exist for tests only (the token clock).
 */
export function createVippsConnector(options: VippsAuthOptions = {}): Connector<VippsConfig> {
  return {
    provider: 'vipps',
    displayName: VIPPS_NAME,
    words: vippsWords,
    defaultBaseUrl: VIPPS_BASE_URL,
    // Vipps offers no test environment for the Report and Sales APIs.
    sandboxBaseUrl: null,
    configSchema: vippsConfigSchema,
    secretFields: VIPPS_SECRET_FIELDS,
    // No published limit; the docs ask for hourly syncs at a random minute, which the scheduler does.
    budget: null,
    authorizer: (ctx) => createVippsAuthorizer(ctx, options),
    streams: [salesStream, reportStream('funds'), reportStream('fees')],
    // The Report API's dates are the ledger's own; a record without one falls back to its instant.
    recordDay: (raw, _stream, zone) => dayFromFields(raw, ['ledgerDate', 'time'], zone),
    async test(ctx) {
      // The ledger list is the cheapest authenticated call, and it proves the configured ledger is ours.
      const ledgers = await listLedgers(ctx.http);
      const { ledgerId } = vippsConfigSchema.parse(ctx.connection.config);
      if (ledgerId && !ledgers.some((l) => l.ledgerId === ledgerId)) {
        throw new ConnectorError(
          'config',
          `${VIPPS_NAME} does not list ledger ${ledgerId} for these keys. Check the ledger id in Connections, or leave it empty to sync every ledger.`,
        );
      }
      if (ledgers.length === 0) {
        throw new ConnectorError(
          'config',
          `${VIPPS_NAME} lists no ledger for these keys. Check that they belong to the shop.`,
        );
      }
    },
  };
}

export const vippsConnector = createVippsConnector();
