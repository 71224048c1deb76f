import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { launchChromium } from '../support/chromium.ts';
import { startServeProcess } from '../support/serve-process.ts';

/**
 * Screenshots of the Transactions list and of one detail per provider and kind, on a demo home, for
 * people to look at: `node test/e2e/transactions-shots.ts HOME OUTDIR PREFIX` writes
 * OUTDIR/PREFIX-transactions.png and OUTDIR/PREFIX-detail-<provider>-<kind>.png (COLOR_SCHEME=dark for the
 * dark theme).
 */
const [home, out, prefix = 'shot'] = process.argv.slice(2);
if (!home || !out) throw new Error('usage: transactions-shots.ts HOME OUTDIR [PREFIX]');
mkdirSync(out, { recursive: true });

const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
const kinds = [
  ['sentrypos', 'sale'],
  ['vipps', 'capture'],
  ['vipps', 'refund'],
  ['vipps', 'fee'],
  ['vipps', 'payout'],
  ['tgi', 'capture'],
  ['sensepass', 'capture'],
  ['cents', 'capture'],
] as const;
const pick = db.prepare<[string, string], { externalId: string }>(
  `SELECT external_id AS externalId FROM transactions WHERE provider = ? AND kind = ?
    ORDER BY (customer_name IS NULL), id LIMIT 1 OFFSET 20`,
);
const records = kinds.map(([provider, kind]) => ({ provider, kind, ...pick.get(provider, kind) }));
db.close();

const serve = await startServeProcess(home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
    locale: 'en-GB',
    colorScheme: process.env.COLOR_SCHEME === 'dark' ? 'dark' : 'light',
  });
  await page.goto(serve.url);
  await page.getByTestId('transaction-row').first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(out, `${prefix}-transactions.png`) });
  for (const r of records) {
    if (!r.externalId) continue;
    await page.getByTestId('search-input').fill(r.externalId);
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid=transaction-row]')?.getAttribute('data-external-id') === id ||
        document.querySelectorAll('[data-testid=transaction-row]').length <= 3,
      r.externalId,
    );
    await page.waitForTimeout(400);
    await page.getByTestId('transaction-row').first().click();
    // Before one click opened the detail, Enter on the selected row did.
    if ((await page.getByTestId('transaction-detail').count()) === 0) await page.keyboard.press('Enter');
    await page.getByTestId('transaction-detail').waitFor();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(out, `${prefix}-detail-${r.provider}-${r.kind}.png`) });
    await page.keyboard.press('Escape');
  }
} finally {
  await browser.close();
  await serve.stop();
}
