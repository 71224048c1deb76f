import type { ProviderId } from '../model/transaction.ts';
import type { Connector } from './connector.ts';
import { centsConnector } from './cents/index.ts';
import { sensepassConnector } from './sensepass/index.ts';
import { sentryposConnector } from './sentrypos/index.ts';
import { tgiConnector } from './tgi/index.ts';
import { vippsConnector } from './vipps/index.ts';

/** Every provider's connector: adding a provider is one folder and one line here. */
export const CONNECTORS: Partial<Record<ProviderId, Connector>> = {
  vipps: vippsConnector,
  cents: centsConnector,
  sentrypos: sentryposConnector,
  tgi: tgiConnector,
  sensepass: sensepassConnector,
};
