import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../support/chromium.ts';
import { startServeProcess } from '../support/serve-process.ts';

/**
 * Screenshots of the Dashboard on a demo home, for people to look at (charts with 1 day, 60 days,
 * 13 months of data, a provider without data): `node test/e2e/dashboard-shots.ts HOME OUT [preset|from:to]`.
 */
const [home, out, period = 'last30'] = process.argv.slice(2);
if (!home || !out) throw new Error('usage: dashboard-shots.ts HOME OUT.png [preset|FROM:TO]');
mkdirSync(path.dirname(out), { recursive: true });
const serve = await startServeProcess(home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'en-GB' });
  await page.goto(`${serve.url}#/dashboard`);
  await page.getByTestId('dashboard-period').waitFor();
  if (period.includes(':')) {
    const [from = '', to = ''] = period.split(':');
    await page.getByRole('button', { name: 'Custom', exact: true }).click();
    await page.getByRole('textbox', { name: 'From', exact: true }).fill(from);
    await page.getByRole('textbox', { name: 'To', exact: true }).fill(to);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForFunction(
      (f) => document.querySelector('[data-testid=dashboard-period]')?.textContent?.includes(f),
      from.split('-').reverse().join('/'),
    );
  } else if (period !== 'last30') {
    const labels: Record<string, string> = {
      today: 'Today',
      yesterday: 'Yesterday',
      last7: 'Last 7 days',
      thisMonth: 'This month',
      lastMonth: 'Last month',
    };
    await page.getByRole('button', { name: labels[period] ?? period, exact: true }).click();
  }
  // Chart.js loads apart from the app; each chart's figure is marked once drawn.
  await page.locator('figure[data-drawn]').first().waitFor();
  await page.waitForTimeout(1500); // chart.js animates its first draw
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
  await serve.stop();
}
