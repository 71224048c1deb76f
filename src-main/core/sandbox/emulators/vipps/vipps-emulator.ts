import type { Emulator, EmulatorContext } from '../types.ts';
import { VippsTokens, vippsAuthRoutes } from './vipps-auth.ts';
import { vippsError } from './vipps-errors.ts';
import { vippsReportRoutes } from './vipps-report.ts';
import { vippsSalesRoutes } from './vipps-sales.ts';

/** Vipps MobilePay: both token flows, the Report API (ledgers, funds/fees by date and feed) and the Sales API. */
export function vippsEmulator(ctx: EmulatorContext): Emulator {
  const tokens = new VippsTokens(ctx);
  return {
    provider: 'vipps',
    error: (status, code, message) => vippsError(status, code, message),
    routes: [...vippsAuthRoutes(tokens), ...vippsReportRoutes(ctx, tokens), ...vippsSalesRoutes(ctx, tokens)],
  };
}
