import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src-main/core/providers/registry.ts';
import { type RunningSandbox, startSandbox } from '../../src-main/core/sandbox/index.ts';
import { openStore } from '../../src-main/core/store/open-store.ts';
import { prepareDemoConnections } from '../../src-main/core/sync/demo-connections.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';
import { cli } from '../unit/cli/run-cli.ts';

const tempHome = useTempHome();
const connectors = Object.values(CONNECTORS).filter((c) => c !== undefined);

describe.runIf(chromiumAvailable())('a connection card shows its quarantine (browser mode)', () => {
  let sandbox: RunningSandbox;
  let serve: ServeProcess;
  let browser: Browser;
  let vipps = '';

  beforeAll(async () => {
    mkdirSync('test-results', { recursive: true });
    sandbox = await startSandbox({ seed: 5, days: 6, salesPerDay: 20, speedUp: 50, dataDir: tempHome() });
    const home = tempHome();
    const store = await openStore(path.join(home, 'posrecon.sqlite'));
    prepareDemoConnections(store.db, connectors, sandbox, 'quarantine e2e world', 'test');
    vipps = store.db.prepare("SELECT name FROM connections WHERE provider = 'vipps'").pluck().get() as string;
    store.close();
    // The fees feed's first page arrives with one record broken: it goes to quarantine.
    sandbox.faults.configure({
      rules: [{ kind: 'malformed-record', provider: 'vipps', endpoint: 'report-feed', nth: [2] }],
    });
    expect((await cli(['sync', '--home', home, '--connection', vipps])).code).toBe(3);
    sandbox.faults.configure('none');
    serve = await startServeProcess(home);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await sandbox?.close();
  });

  it('lists the record with its reason and raw payload; a dismissal needs a reason; Try again stores it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(serve.url);
    await page.getByTestId('nav-connections').click();
    const id = `connection-${vipps.replace(/\W+/g, '-').toLowerCase()}`;
    const panel = page.getByTestId(`${id}-quarantine`);
    await panel.waitFor();
    expect(await panel.locator('h3').textContent()).toBe('1 record could not be stored');
    expect(await panel.locator('.reason').textContent()).toBe(
      'Vipps MobilePay sent this record incomplete or garbled: "pspReference" is missing; "amount" should be a number but is "12,5O kr".',
    );
    await panel.locator('summary').click();
    expect(await panel.locator('pre').textContent()).toContain('"amount": "12,5O kr"');
    await panel.getByRole('button', { name: 'Dismiss…' }).click();
    // The field asks for a few words; with the browser's own check lifted, the core refuses it too.
    const why = panel.locator('input');
    await why.fill('ab');
    await why.evaluate((el) => el.removeAttribute('minlength'));
    await panel.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/^Say why/);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/quarantine-card.png', fullPage: true });

    await page.getByTestId(`${id}-retry`).click();
    await expect
      .poll(() => page.getByTestId(`${id}-retry-result`).textContent(), { timeout: 30_000 })
      .toBe('Tried again: the record is stored now.');
    expect(await panel.locator('h3').count()).toBe(0);
    await page.screenshot({ path: 'test-results/quarantine-card-retried.png', fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);
});
