import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../../src-main/core/providers/registry.ts';
import { DEMO_CREDENTIALS } from '../../../src-main/core/sandbox/credentials.ts';
import { syncDemoWorld, type DemoWorld } from '../../support/reconcile-world.ts';
import { cli } from '../../unit/cli/run-cli.ts';

/*
 * `posrecon mcp` as an AI agent meets it: the MCP SDK's own client spawns the real command on a
 * synced demo home (sandbox over HTTP, reconciled) and talks the protocol over its stdin/stdout.
 */
const BIN = path.resolve('src-main/cli/posrecon.js');
let w: DemoWorld;
let client: Client;
let fileHashBefore: string;
/** Every text the server sent back, for the secrets canary. */
const seen: string[] = [];

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  for (const c of r.content) if (c.type === 'text') seen.push(c.text);
  return r;
}

async function value<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const r = await call(name, args);
  if (r.isError) throw new Error(`${name} failed: ${JSON.stringify(r.content)}`);
  const first = r.content[0];
  const parsed = JSON.parse(first?.type === 'text' ? first.text : 'null') as T;
  expect(r.structuredContent).toEqual(parsed);
  return parsed;
}

function errorText(r: CallToolResult): string {
  expect(r.isError).toBe(true);
  const first = r.content[0];
  return first?.type === 'text' ? first.text : '';
}

beforeAll(async () => {
  w = await syncDemoWorld(5, 45, 30);
  fileHashBefore = hash(w.dbFile);
  client = new Client({ name: 'posrecon-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', '--home', w.home],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'inherit',
    }),
  );
}, 240_000);

afterAll(async () => {
  await client?.close();
  if (w) rmSync(w.home, { recursive: true, force: true });
});

describe('posrecon mcp', () => {
  it('lists four read-only tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'reconciliation_summary',
      'sales_report',
      'search_transactions',
      'transaction_chain',
    ]);
    for (const t of tools) {
      expect(t.annotations?.readOnlyHint).toBe(true);
      expect(t.inputSchema.type).toBe('object');
    }
  });

  it("answers last month's report with the same object as `posrecon report --json`", async () => {
    const report = await value<{ period: { preset: string; days: number }; current: { revenue: unknown[] } }>(
      'sales_report',
      { preset: 'lastMonth' },
    );
    const r = await cli(['report', '--home', w.home, '--period', 'lastMonth', '--json']);
    expect(r.code).toBe(0);
    expect(report).toEqual(JSON.parse(r.out));
    expect(report.period.preset).toBe('lastMonth');
    expect(report.period.days).toBeGreaterThanOrEqual(28);
    expect(report.current.revenue.length).toBeGreaterThan(0);
  });

  it('searches, and follows a sale to its payment through its chain', async () => {
    const found = await value<{ items: { id: number; kind: string; provider: string }[]; totals: unknown }>(
      'search_transactions',
      { kinds: ['sale'], statuses: ['completed'], limit: 5, totals: true },
    );
    expect(found.items).toHaveLength(5);
    expect(found.totals).not.toBeNull();
    const sale = found.items[0]!;
    expect(sale.provider).toBe('sentrypos');
    const { chain } = await value<{ chain: { kind: string; members: { transactionId?: number }[] } }>(
      'transaction_chain',
      { id: sale.id },
    );
    expect(chain.kind).toBe('sale');
    expect(chain.members.length).toBeGreaterThanOrEqual(1);
    const payouts = await value<{ items: { id: number }[] }>('search_transactions', {
      kinds: ['payout'],
      providers: ['vipps'],
      limit: 1,
    });
    const payout = await value<{ payout: { id?: number } }>('transaction_chain', {
      id: payouts.items[0]!.id,
    });
    expect(payout.payout).toBeTruthy();
  });

  it('gives the reconciliation summary for a period', async () => {
    const s = await value<{ reconciled: boolean; totals: { sales: number; linked: number } }>(
      'reconciliation_summary',
      { from: '2000-01-01', to: '2100-12-31' },
    );
    expect(s.reconciled).toBe(true);
    expect(s.totals.linked).toBeGreaterThan(0);
    expect(s.totals.linked).toBeLessThanOrEqual(s.totals.sales);
  });

  it.each([
    ['sales_report', { preset: 'fortnight' }, /preset/],
    ['sales_report', { preset: 'custom' }, /custom period needs a first and a last day/],
    ['sales_report', { preset: 'custom', from: '2026-03-05', to: '2026-03-01' }, /ends before it starts/],
    ['sales_report', { preset: 'last7', colour: 'red' }, /colour/],
    ['search_transactions', { limit: 100000 }, /limit/],
    ['search_transactions', { dateFrom: '5 March' }, /dateFrom/],
    ['transaction_chain', { id: -3 }, /id/],
    ['transaction_chain', { id: 'abc' }, /id/],
    ['transaction_chain', { id: 2_000_000_000 }, /NOT_FOUND: There is no transaction 2000000000/],
    ['reconciliation_summary', { from: '2026-13-45' }, /from/],
    ['no_such_tool', {}, /no_such_tool not found/],
  ])('refuses %s %j with a protocol error, and keeps serving', async (name, args, message) => {
    expect(errorText(await call(name, args))).toMatch(message);
    const again = await call('reconciliation_summary', {});
    expect(again.isError).toBeFalsy();
  });

  it('never sends a secret (canary: the demo connections’ keys) and never writes to the cache', () => {
    const secrets = Object.entries(CONNECTORS).flatMap(([provider, c]) => {
      const published = DEMO_CREDENTIALS[provider as keyof typeof DEMO_CREDENTIALS] as Record<string, string>;
      return c ? c.secretFields.map((f) => published[f.key]) : [];
    });
    expect(secrets.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    const all = seen.join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    for (const s of secrets) if (s) expect(all).not.toContain(s);
    expect(hash(w.dbFile)).toBe(fileHashBefore);
  });
});

describe('posrecon mcp, refused', () => {
  it('says plainly that a home has no cache, and creates nothing', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'posrecon-mcp-empty-'));
    try {
      const r = spawnSync(process.execPath, [BIN, 'mcp', '--home', home], { input: '', encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/posrecon: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(spawnSync('ls', ['-A', home], { encoding: 'utf8' }).stdout).toBe('');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
