import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src-main/core/sandbox/index.ts';
import { getJson, vippsToken } from './raw-clients.ts';
import { TEST_WORLDS_DIR } from '../../unit/sandbox/test-worlds-dir.ts';

const SPECS = join(import.meta.dirname, '../../../../shared/providers/specs');

/** Entry types the current docs list but the 2023 spec's enum lacks: new types appear without notice. */
const NEWER_ENTRY_TYPES = [
  'payout-scheduled',
  'credit-note',
  'service-fee',
  'fees-invoiced',
  'top-up',
  'correction',
];

// Specs are navigated by path in the patches below; a loose type keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = Record<string, any>;

function loadSpec(file: string, patch?: (spec: Spec) => void): Ajv {
  const spec = parse(readFileSync(join(SPECS, file), 'utf8')) as Spec;
  patch?.(spec);
  const ajv = new Ajv({ strict: false, allErrors: true });
  // The spec's own format names: Vipps sends both `...000000Z` and `...+0200`.
  ajv.addFormat('DateTime', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/);
  ajv.addFormat('Date in YYYY-MM-DD format.', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('uri', /^\S+:\S*$/);
  ajv.addFormat('byte', /^[A-Za-z0-9+/=._-]+$/);
  ajv.addFormat('guid', /^[0-9a-f-]{36}$/i);
  ajv.addSchema(spec, 'spec');
  return ajv;
}

/** Report entries must match exactly: no property the spec does not define. */
const report = loadSpec('vipps-report-api-v2.openapi.yaml', (spec) => {
  const tx = spec.components.schemas.Transaction;
  tx.properties.entryType.enum.push(...NEWER_ENTRY_TYPES);
  tx.additionalProperties = false;
  tx.required = Object.keys(tx.properties);
});
const sales = loadSpec('vipps-sales-api.RECONSTRUCTED.openapi.yaml', (spec) => {
  spec.components.schemas.SalesEntry.additionalProperties = false;
  spec.components.schemas.SalesLine.additionalProperties = false;
});
const tokenSpec = loadSpec('vipps-access-token-api.openapi.yaml');

const validator = (ajv: Ajv, pointer: string): ValidateFunction => {
  const v = ajv.getSchema(`spec#${pointer}`);
  if (!v) throw new Error(`no schema at ${pointer}`);
  return v;
};
const reportPage = validator(report, '/components/responses/200/content/application~1json/schema');
const ledgersPage = validator(
  report,
  '/paths/~1settlement~1v1~1ledgers/get/responses/200/content/application~1json/schema',
);
const problem = validator(report, '/components/schemas/Problem');
const error401 = validator(report, '/components/responses/401/content/application~1json/schema');
const salesPage = validator(sales, '/components/schemas/SalesPage');
const merchantToken = validator(tokenSpec, '/components/schemas/AuthorizationTokenResponse');

function expectValid(v: ValidateFunction, body: unknown): void {
  const ok = v(body);
  expect(ok ? [] : v.errors?.slice(0, 5)).toEqual([]);
}

let sb: RunningSandbox;
let token: string;
let auth: Record<string, string>;

beforeAll(async () => {
  sb = await startSandbox({
    seed: 5,
    days: 4,
    salesPerDay: 60,
    today: '2026-10-26',
    dataDir: TEST_WORLDS_DIR,
  });
  token = await vippsToken(sb);
  auth = { authorization: `Bearer ${token}` };
});
afterAll(() => sb.close());

describe('Vipps Report API responses validate against the official OpenAPI spec', () => {
  const base = () => `${sb.baseUrls.vipps}/report/v2/ledgers/${sb.credentials.vipps.ledgerId}`;

  it('the validators reject what the spec forbids', () => {
    expect(reportPage({ items: [{ amount: '12.50' }] })).toBe(false);
    expect(reportPage({ items: [{ unknownField: 1 }] })).toBe(false);
    expect(salesPage({ items: [{ paymentType: 'CHEQUE' }] })).toBe(false);
  });

  it('ledgers', async () => {
    const { body } = await getJson(`${sb.baseUrls.vipps}/settlement/v1/ledgers`, { headers: auth });
    expectValid(ledgersPage, body);
    expect((body.items as unknown[]).length).toBe(1);
  });

  it('funds and fees by date (including the DST-change day and the open today) and feed', async () => {
    for (const topic of ['funds', 'fees']) {
      for (const date of ['2026-10-24', '2026-10-25', '2026-10-26']) {
        const { status, body } = await getJson(`${base()}/${topic}/dates/${date}`, { headers: auth });
        expect(status).toBe(200);
        expectValid(reportPage, body);
      }
      const feed = await getJson(`${base()}/${topic}/feed`, {
        headers: { ...auth, 'vipps-feed-page-size': '50' },
      });
      expectValid(reportPage, feed.body);
      expect((feed.body.items as unknown[]).length).toBe(50);
    }
  });

  it('error bodies: 401 {code, message}, 404 problem+json', async () => {
    const unauth = await getJson(`${base()}/funds/feed`, { headers: { authorization: 'Bearer nope' } });
    expect(unauth.status).toBe(401);
    expectValid(error401, unauth.body);
    expect(Object.keys(unauth.body).sort()).toEqual(['code', 'message']);
    const res = await fetch(`${sb.baseUrls.vipps}/report/v2/ledgers/999999/funds/feed`, { headers: auth });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expectValid(problem, await res.json());
  });

  it("the merchant token flow returns the spec's string fields", async () => {
    const c = sb.credentials.vipps;
    const { body } = await getJson(`${sb.baseUrls.vipps}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: c.clientId ?? '',
        client_secret: c.clientSecret ?? '',
        'ocp-apim-subscription-key': c.subscriptionKey ?? '',
        'merchant-serial-number': c.merchantSerialNumber ?? '',
      },
    });
    expectValid(merchantToken, body);
  });
});

describe('Vipps Sales API responses validate against the reconstructed spec', () => {
  it('feed, date and reference pages', async () => {
    const base = `${sb.baseUrls.vipps}/sales/report/v1/ledgers/${sb.credentials.vipps.ledgerId}`;
    const feed = await getJson(`${base}?pageSize=1000`, { headers: auth });
    expectValid(salesPage, feed.body);
    const items = feed.body.items as { reference: string; pspReference: string | null }[];
    expect(items.length).toBeGreaterThan(50);
    expectValid(salesPage, (await getJson(`${base}/dates/2026-10-25`, { headers: auth })).body);
    const withPsp = items.find((i) => i.pspReference);
    expectValid(
      salesPage,
      (await getJson(`${base}/references/${withPsp?.reference}`, { headers: auth })).body,
    );
    expectValid(
      salesPage,
      (await getJson(`${base}/psp-references/${withPsp?.pspReference}`, { headers: auth })).body,
    );
  });
});
