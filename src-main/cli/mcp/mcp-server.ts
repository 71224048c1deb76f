import type { Database } from 'better-sqlite3';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError } from '../../core/model/app-error.ts';
import { operations } from '../../core/api/contract.ts';
import { EventBus } from '../../core/api/event-bus.ts';
import { getDashboard } from '../../core/dashboard/dashboard.ts';
import { ReconcileService } from '../../core/reconcile/reconcile-service.ts';
import { ParallelSearch } from '../../core/search/parallel-totals.ts';
import { readSettings } from '../../core/store/queries/settings.ts';
import { get, sql } from '../../core/store/sql.ts';
import { APP_VERSION } from '../../core/version.ts';

/** Every tool only reads the cache: MCP clients may call it as often as they like. */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** The answer as JSON text (what every MCP client reads) and as structured content. */
function answer(value: unknown): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(value) }],
    structuredContent: value as Record<string, unknown>,
  };
}

/**
 * A core refusal (NOT_FOUND, BAD_INPUT…) becomes the protocol's tool error with the core's own plain
 * message; the SDK turns anything thrown in a tool into `isError: true`, so nothing crashes.
 */
async function run(fn: () => unknown): Promise<CallToolResult> {
  try {
    return answer(await fn());
  } catch (err) {
    if (err instanceof AppError) throw new Error(`${err.code}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * The Model Context Protocol face of posrecon: the Dashboard's report, transaction search, a
 * record's reconciliation chain and the reconciliation summary, answered from the local cache.
 * Inputs are the contract's own zod schemas, so an agent gets exactly what the UI and the CLI get.
 * `db` must be a read-only connection: the tools only read, and SQLite refuses any write besides.
 */
export function createMcpServer(db: Database, file: string): McpServer {
  const server = new McpServer(
    { name: 'posrecon', version: APP_VERSION },
    {
      instructions:
        "posrecon's local cache of a shop's point-of-sale sales and its payment providers' payments, fees and payouts. Money is in integer minor units with an ISO 4217 currency (amountMinor 12345 with currency NOK is NOK 123.45); dates are business days in the shop's time zone. Start with sales_report for a period's figures.",
    },
  );
  // One search worker pool of size 1: totals are computed on this connection, no threads started.
  const search = new ParallelSearch(file, { size: 1 });
  const reconcile = new ReconcileService({ db, events: new EventBus(), actor: 'mcp', syncing: () => [] });

  server.registerTool(
    'sales_report',
    {
      title: 'Sales report',
      description:
        "The period's business figures, exactly as the Dashboard and `posrecon report --json` show them: revenue (gross, VAT, net, number of sales, average sale, refunds), success rate, fees and payouts, each beside the previous period of the same length; revenue per day and per payment provider, by network and by hour, best and weakest days, failed payments and how many were paid after all, reconciliation health and data completeness. preset: today, yesterday, last7, last30 (default), thisMonth, lastMonth, or custom with from and to (YYYY-MM-DD, both included).",
      inputSchema: operations['dashboard:get'].input,
      annotations: READ_ONLY,
    },
    (input) => run(() => getDashboard(db, input, readSettings(db))),
  );

  server.registerTool(
    'search_transactions',
    {
      title: 'Search transactions',
      description:
        'Free-text search and filters over every synced record (POS sales, payments, refunds, fees, payouts), newest first by default, up to 500 per page; pass nextCursor back as cursor for the next page. totals: true adds the sums, each money movement counted once. Use an item id with transaction_chain.',
      inputSchema: operations['transactions:search'].input,
      annotations: READ_ONLY,
    },
    (input) => run(() => search.search(db, input)),
  );

  server.registerTool(
    'transaction_chain',
    {
      title: "A record's reconciliation chain",
      description:
        'For a transaction id (from search_transactions): the POS sale it belongs to, its payments, refunds, fees and the payout that settled them, how each link was made and why, and what does not add up. For a payout: what it settles and its expected net beside what was paid.',
      inputSchema: z.object({ id: z.number().int().positive() }).strict(),
      annotations: READ_ONLY,
    },
    ({ id }) =>
      run(() => {
        const kind = get<{ kind: string }>(db, sql`SELECT kind FROM transactions WHERE id = ${id}`)?.kind;
        if (!kind) throw new AppError('NOT_FOUND', `There is no transaction ${id} in the cache.`);
        return kind === 'payout'
          ? { payout: reconcile.payout(id) }
          : { chain: reconcile.explain(`transaction:${id}`) };
      }),
  );

  server.registerTool(
    'reconciliation_summary',
    {
      title: 'Reconciliation summary',
      description:
        'How far sales are linked to their payments for a period (from/to, YYYY-MM-DD; omit both for everything): linked, to review and unmatched per day and payment provider, payments with no sale, and each kind of discrepancy with its money. Warnings say when an interrupted sync makes findings unreliable.',
      inputSchema: operations['reconcile:summary'].input,
      annotations: READ_ONLY,
    },
    (period) => run(() => reconcile.summary(period)),
  );

  return server;
}
