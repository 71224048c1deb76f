import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../support/chromium.ts';
import { startServeProcess } from '../support/serve-process.ts';

/**
 * Screenshots of Connections, Dashboard and the Transactions filters on a demo home, in a browser whose
 * own zone (New York) is not the shop's, so a time shown in the wrong zone is visible:
 * `node test/e2e/first-hour-shots.ts HOME OUTDIR PREFIX`.
 */
const [home, outDir, prefix = 'after'] = process.argv.slice(2);
if (!home || !outDir) throw new Error('usage: first-hour-shots.ts HOME OUTDIR [PREFIX]');
mkdirSync(outDir, { recursive: true });
const shot = (name: string) => path.join(outDir, `${prefix}-${name}.png`);
const serve = await startServeProcess(home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: 1360, height: 900 },
    locale: 'en-US',
    timezoneId: 'America/New_York',
  });
  await page.goto(`${serve.url}#/connections`);
  await page.getByTestId('nav-connections').waitFor();
  await page.waitForTimeout(2500);
  const test = page.getByTestId('connection-demo-cents-test');
  if (prefix !== 'before' && (await test.count())) {
    await test.click();
    await page.getByTestId('connection-demo-cents-test-result').waitFor({ timeout: 60_000 });
  }
  await page.screenshot({ path: shot('connections'), fullPage: true });
  if (prefix !== 'before') {
    // The add form with nothing filled in: every required field is flagged, not only the name.
    await page.getByTestId('connection-add').click();
    await page.getByTestId('connection-provider').selectOption('vipps');
    await page.getByTestId('connection-save').click();
    await page.waitForTimeout(1000);
    await page.screenshot({ path: shot('connection-form'), fullPage: true });
    // A till whose server is gone: what the error says, and what it folds away.
    await page.getByTestId('connection-provider').selectOption('sentrypos');
    await page.getByTestId('connection-name').fill('Back office till');
    await page.getByTestId('connection-baseUrl').fill('http://127.0.0.1:9/sentrypos/v1');
    await page.getByTestId('connection-secret-apiKey').fill('sntr_test_0000000000000000000000');
    await page.getByTestId('connection-save').click();
    const notice = page.getByTestId('error-notice').first();
    const card = page.getByTestId('connection-back-office-till-sync');
    await Promise.race([notice.waitFor({ timeout: 30_000 }), card.waitFor({ timeout: 30_000 })]);
    if (await card.count()) {
      await card.click();
      await notice.waitFor({ timeout: 120_000 });
    }
    await notice.locator('summary').click();
    await notice.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('error'), fullPage: false });
    if (await page.getByTestId('connection-back-office-till-remove').count()) {
      await page.getByTestId('connection-back-office-till-remove').click();
      await page.getByTestId('connection-back-office-till-confirm-remove').click();
    }
  }

  await page.goto(`${serve.url}#/dashboard`);
  await page.getByTestId('dashboard-period').waitFor();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: shot('dashboard'), fullPage: true });

  await page.goto(`${serve.url}#/transactions`);
  await page.getByTestId('filter-controls').waitFor();
  await page.getByTestId('filter-from').fill('2026-11-01');
  await page.getByTestId('filter-from').dispatchEvent('change');
  await page.getByTestId('filter-currency').selectOption({ index: prefix === 'before' ? 1 : 2 });
  if (prefix !== 'before') await page.getByTestId('filter-recon').selectOption('review');
  await page.getByTestId('filter-min').fill('10.999');
  await page.getByTestId('filter-min').dispatchEvent('change');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: shot('filters'), fullPage: false });
} finally {
  await browser.close();
  await serve.stop();
}
