import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile } from '../../src-main/core/home.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();
const SHOTS = 'test-results/dashboard';
const DETAIL = 'we hold 118 sales (NOK 23456.00 completed); SentryPOS reports 119 (NOK 23655.00)';

/*
 * The Dashboard on the demo world, in Chromium: a SentryPOS day whose own summary disagreed with the
 * sync is said above the figures, and each reconciliation-health figure opens the Reconcile view on
 * its queue and the Dashboard's days.
 */
describe.runIf(chromiumAvailable())('Dashboard in Chromium, on the demo world', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const home = tempHome();
    execFileSync(process.execPath, [path.resolve('src-main/cli/main.ts'), 'demo', '--home', home], {
      stdio: 'pipe',
    });
    // What the SentryPOS connector records when a closed day's sales do not add up to its summary.
    const db = new Database(databaseFile(home));
    db.prepare(
      `UPDATE day_completeness SET state = 'partial', detail = ?
        WHERE date = (SELECT max(date) FROM day_completeness WHERE state = 'complete')
          AND connection_id IN (SELECT id FROM connections WHERE provider = 'sentrypos')`,
    ).run(DETAIL);
    db.close();
    serve = await startServeProcess(home);
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('says which SentryPOS days disagree, and its health figures open the Reconcile view filtered', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'en-GB' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${serve.url}#/dashboard`);
    const notice = page.getByTestId('pos-disagreeing');
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain(DETAIL);
    expect(await notice.getByRole('heading').textContent()).toMatch(
      /differ from the synced sales on one day/,
    );
    await page.screenshot({ path: `${SHOTS}/disagreeing-day.png` });

    const health = page.getByTestId('reconcile-health');
    const review = health.getByRole('link', { name: /to review/ });
    const href = (await review.getAttribute('href')) ?? '';
    const [, from, to] = /from=([\d-]+)&to=([\d-]+)/.exec(href) ?? [];
    expect(from && to).toBeTruthy();
    await review.click();
    const span = page.getByTestId('span-filter');
    await expect.poll(() => span.textContent(), { timeout: 30_000 }).toMatch(/as linked from the Dashboard/);
    expect(await page.getByRole('tab', { name: /Needs review/ }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('period').inputValue()).toBe('span');
    await page.screenshot({ path: `${SHOTS}/reconcile-from-dashboard.png` });

    // A discrepancy class opens its own list, over the same days.
    await page.goto(`${serve.url}#/dashboard`);
    const klass = health.getByRole('link').last();
    await klass.waitFor();
    await klass.click();
    await span.waitFor();
    expect(await page.getByRole('tab', { name: /Discrepancies/ }).getAttribute('aria-selected')).toBe('true');

    await span.getByRole('button', { name: 'Show every day' }).click();
    await span.waitFor({ state: 'detached' });
    expect(await page.getByTestId('period').inputValue()).not.toBe('span');
    expect(problems).toEqual([]);
  });
});
