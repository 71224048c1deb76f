import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src-main/core/sandbox/index.ts';
import type { DatasetId } from '../../../src-main/core/sandbox/world/world.ts';
import {
  centsAll,
  centsIdToken,
  sensePassAll,
  sentryPosAll,
  tgiAll,
  vippsReportFeed,
  vippsSales,
  vippsToken,
} from './raw-clients.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

// The emulators must not invent fields: a connector written against a record that carries more than
// the provider documents (TGI's parent_tid was one) would break on the real service. Every field path
// of every served record must be on the provider's page or in its spec (../shared/providers/).

const PROVIDERS = join(import.meta.dirname, '../../../../shared/providers');
const page = (file: string) => readFileSync(join(PROVIDERS, file), 'utf8');

type Json = Record<string, unknown>;
// Spec schemas are walked by shape; a loose type keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

/** Field paths of a JSON value: `a`, `a.b`, `list[].c`. An empty object or array adds only its own path. */
function pathsOf(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) pathsOf(v, `${prefix}[]`, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      pathsOf(v, path, out);
    }
  }
  return out;
}

/** Field paths an OpenAPI schema defines; an object open to any key adds `path.*`. */
function schemaPaths(spec: Schema, schema: Schema, prefix = '', out = new Set<string>()): Set<string> {
  const resolve = (s: Schema): Schema =>
    typeof s.$ref === 'string'
      ? resolve(
          (s.$ref as string)
            .slice(2)
            .split('/')
            .reduce((o: Schema, k) => o[k] as Schema, spec),
        )
      : s;
  const s = resolve(schema);
  for (const part of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])] as Schema[])
    schemaPaths(spec, part, prefix, out);
  if (s.items) schemaPaths(spec, s.items as Schema, `${prefix}[]`, out);
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    out.add(path);
    schemaPaths(spec, v, path, out);
  }
  if (s.additionalProperties === true || (s.type === 'object' && !s.properties && !s.allOf))
    out.add(`${prefix}.*`);
  return out;
}

/** The JSON example that follows `marker` on a doc page (balanced braces; the page's JSON is valid). */
function docExample(text: string, marker: string): unknown {
  const start = text.indexOf('{', text.indexOf(marker));
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error(`no example after ${marker}`);
}

/** A hand-copied allow-list, checked against its page: each field name must appear on it. */
function fromPage(file: string, paths: string[]): Set<string> {
  const text = page(file);
  for (const p of paths) {
    const leaf = p.split('.').pop()?.replace('[]', '') ?? p;
    if (!text.includes(leaf)) throw new Error(`${leaf} is not on ${file}`);
  }
  return new Set(paths);
}

function allowLists(): Record<DatasetId, Set<string>> {
  const sales = parse(page('specs/vipps-sales-api.RECONSTRUCTED.openapi.yaml')) as Schema;
  const report = parse(page('specs/vipps-report-api-v2.openapi.yaml')) as Schema;
  const sp = page('sensepass-transactions-api.txt');
  const sensePass = new Set([
    // The get-by-id example ("Transaction status") and the list example ("Fetch Multiple Transactions").
    ...pathsOf(docExample(sp, 'See Transactions entity schema')),
    ...pathsOf((docExample(sp, 'Response\n{') as { data: unknown }).data),
  ]);
  const spList = [...sensePass].map((p) => p.replace(/^\[\]\./, ''));
  return {
    // sentrypos-sales-api.txt, "Data Model" table; customer's fields from the example response.
    'sentrypos:sales': fromPage('sentrypos-sales-api.txt', [
      'id',
      'invoiceId',
      'customer',
      'customer.name',
      'customer.phone',
      'amountCents',
      'status',
      'network',
      'createdAt',
      'completedAt',
    ]),
    // specs/vipps-sales-api.RECONSTRUCTED.openapi.yaml, components.schemas.SalesEntry.
    'vipps:sales': schemaPaths(sales, sales.components.schemas.SalesEntry as Schema),
    // specs/vipps-report-api-v2.openapi.yaml, components.schemas.Transaction (funds and fees alike).
    'vipps:funds': schemaPaths(report, report.components.schemas.Transaction as Schema),
    'vipps:fees': schemaPaths(report, report.components.schemas.Transaction as Schema),
    // tgi-transactions-api.txt: the "Transaction property" table of POST /transactions, and `status`,
    // the GET filter over each record's status (complete, pending, declined, refund).
    'tgi:transactions': fromPage('tgi-transactions-api.txt', [
      'tid',
      'cid',
      'total',
      'subtotal',
      'tax',
      'date',
      'status',
    ]),
    // sensepass-transactions-api.txt: every path of both examples; posData is free-form merchant data
    // (the example holds arbitrary keys), so anything below it is the merchant's own.
    'sensepass:transactions': new Set([...spList, 'posData.*']),
    // cents-transactions-api.txt, the "Schema" of data[].
    'cents:transactions': fromPage('cents-transactions-api.txt', [
      'id',
      'external_id',
      'company_id',
      'payment_gateway_company_id',
      'company_sector',
      'payment_gateway_id',
      'payment_gateway_order_transaction_id',
      'order_amount',
      'total_amount',
      'currency',
      'charity_id',
      'donation_cause',
      'donation_amount',
      'donation_currency',
      'created_date',
      'updated_date',
      'consumer_user_id',
      'consumer_user_full_name',
      'consumer_user_email',
      'consumer_user_phone',
      'billable_address',
      'billable_address.street_address',
      'billable_address.city',
      'billable_address.region_state',
      'billable_address.zip_code',
      'billable_address.country',
      'transaction_status',
      'hmac',
      'refunded_amount',
      'reconciliation_id',
    ]),
  };
}

function undocumented(records: Json[], allowed: Set<string>): string[] {
  const open = [...allowed].filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
  const bad = new Set<string>();
  for (const r of records)
    for (const p of pathsOf(r)) if (!allowed.has(p) && !open.some((o) => p.startsWith(o))) bad.add(p);
  return [...bad];
}

let sb: RunningSandbox;
beforeAll(async () => {
  // Boosted rates, so every kind of record (refunds, duplicates, failed attempts...) is served.
  sb = await startSandbox({
    seed: 23,
    days: 9,
    salesPerDay: 40,
    today: '2026-05-12',
    dataDir: TEST_WORLDS_DIR,
    rates: {
      partialRefund: 0.1,
      fullRefund: 0.1,
      failedThenRetry: 0.1,
      duplicateNotification: 0.05,
      duplicateCharge: 0.05,
      missingReference: 0.05,
      mistypedReference: 0.1,
    },
  });
  // Records made after generation too: late refunds, as the `mutate` fault makes them.
  const first = (d: DatasetId, ok: (r: Json) => boolean) => [...sb.world.records(d)].find(ok);
  const capture = first('vipps:sales', (r) => r.entryType === 'capture' && r.pspReference !== null);
  sb.world.addLateRefund({ provider: 'vipps', id: String(capture?.pspReference) });
  sb.world.addLateRefund({ provider: 'tgi', id: String(first('tgi:transactions', () => true)?.tid) });
});
afterAll(() => sb.close());

describe('served records use only the fields their provider documents', () => {
  const lists = allowLists();
  const fetchers: Record<DatasetId, () => Promise<Json[]>> = {
    'sentrypos:sales': () => sentryPosAll(sb, Date.parse('2026-04-01'), Date.parse('2026-05-14'), 200),
    'vipps:sales': async () => vippsSales(sb, await vippsToken(sb), '', 500),
    'vipps:funds': async () => vippsReportFeed(sb, await vippsToken(sb), 'funds', 500),
    'vipps:fees': async () => vippsReportFeed(sb, await vippsToken(sb), 'fees', 500),
    'tgi:transactions': () => tgiAll(sb, '/transactions?limit=200'),
    'sensepass:transactions': () => sensePassAll(sb, '2026-04-01T00:00:00Z', '2026-05-14T00:00:00Z', 500),
    'cents:transactions': async () => centsAll(sb, await centsIdToken(sb)),
  };

  it('the allow-lists come from the docs (sanity: they hold the fields connectors rely on)', () => {
    expect(lists['vipps:funds']).toContain('balanceAfter');
    expect(lists['vipps:sales']).toContain('lines[].vatRate');
    expect(lists['sensepass:transactions']).toContain('TransactionNumber');
    expect(lists['sensepass:transactions']).toContain('metadata.receiptSaveUid');
    expect(undocumented([{ tid: 'R1', parent_tid: 'T1' }], lists['tgi:transactions'])).toEqual([
      'parent_tid',
    ]);
    expect(undocumented([{ posData: { invoiceId: 'inv_1' } }], lists['sensepass:transactions'])).toEqual([]);
  });

  for (const dataset of Object.keys(fetchers) as DatasetId[]) {
    it(dataset, async () => {
      const records = await fetchers[dataset]();
      // Everything the world holds was served (so no record escaped the check).
      expect(records.length).toBe(sb.world.count(dataset));
      expect(undocumented(records, lists[dataset])).toEqual([]);
    });
  }
});
