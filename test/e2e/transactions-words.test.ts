import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();

/** The Transactions list and detail in Chromium on the demo world: words, one-click detail, reconciliation state. */
describe.runIf(chromiumAvailable())('transactions in a shop manager’s words, in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let db: Database.Database;

  beforeAll(async () => {
    mkdirSync('test-results/first-hour', { recursive: true });
    const home = tempHome();
    execFileSync(process.execPath, [path.resolve('src-main/cli/main.ts'), 'demo', '--home', home], {
      stdio: 'pipe',
    });
    db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
    serve = await startServeProcess(home);
    browser = await launchChromium();
  });
  afterAll(async () => {
    db?.close();
    await browser?.close();
    await serve?.stop();
  });

  async function open(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(serve.url);
    await page.getByTestId('transaction-row').first().waitFor();
    return { page, problems };
  }

  /** Searches for one record by its id and waits until it is the only row. */
  async function only(page: Page, externalId: string) {
    await page.getByTestId('search-input').fill(externalId);
    const row = page.locator(`[data-testid=transaction-row][data-external-id="${externalId}"]`);
    await row.waitFor();
    await expect.poll(() => page.getByTestId('transaction-row').count()).toBe(1);
    return row;
  }

  it('opens a detail with one click on a row that shows it can be clicked, and a double click selects no text', async () => {
    const { page, problems } = await open();
    const row = page.getByTestId('transaction-row').nth(2);
    expect(await row.evaluate((el) => getComputedStyle(el).cursor)).toBe('pointer');
    await row.dblclick();
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    await page.getByTestId('transaction-detail').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('transaction-detail').count()).toBe(0);
    await page.getByTestId('transaction-row').nth(4).click();
    await page.getByTestId('transaction-detail').waitFor();
    const id = await page.getByTestId('transaction-row').nth(4).getAttribute('data-external-id');
    await page.getByTestId('detail-raw').evaluate((el) => el.closest('details')?.setAttribute('open', ''));
    expect(await page.getByTestId('detail-external-id').textContent()).toBe(id);
    expect(problems).toEqual([]);
  });

  it('shows a payout as money to the bank and a fee as money out, described in words', async () => {
    const { page, problems } = await open();
    const payout = db
      .prepare(
        "SELECT external_id AS id, amount_minor AS minor FROM transactions WHERE kind = 'payout' LIMIT 1",
      )
      .get() as { id: string; minor: number };
    expect(payout.minor).toBeLessThan(0);
    const row = await only(page, payout.id);
    const amount = row.getByTestId('row-amount');
    expect(await amount.getAttribute('data-direction')).toBe('bank');
    expect((await amount.textContent())?.trim()).toMatch(/^→ bank\s+NOK\s[\d,]+\.\d\d$/);
    expect(await row.textContent()).toContain('Paid out to your bank');
    await row.click();
    const detail = page.getByTestId('transaction-detail');
    await detail.waitFor();
    expect(await page.getByTestId('detail-amount').textContent()).toMatch(
      /^\s*NOK\s[\d,]+\.\d\d · Payout\s*$/,
    );
    // The Vipps fields have their names in words; the provider's own name is on hover.
    const psp = page.locator('[data-testid=detail-references] dt[data-kind=pspReference]');
    expect(await psp.textContent()).toBe('Vipps reference');
    expect(await psp.getAttribute('title')).toBe('Vipps calls it “pspReference”');
    await page.screenshot({ path: 'test-results/first-hour/e2e-payout-detail.png' });

    const fee = db
      .prepare(
        "SELECT external_id AS id FROM transactions WHERE provider_status = 'capture-fee' AND amount_minor > 0 LIMIT 1",
      )
      .get() as { id: string };
    const feeRow = await only(page, fee.id);
    expect(await feeRow.getByTestId('row-amount').getAttribute('data-direction')).toBe('out');
    expect((await feeRow.getByTestId('row-amount').textContent())?.trim()).toMatch(/^-NOK/);
    expect(await feeRow.textContent()).toMatch(/Fee for the payment of order/);
    expect(problems).toEqual([]);
  });

  it('shows each row’s reconciliation state in plain words, the same as the reconciliation tables', async () => {
    const { page, problems } = await open();
    const review = db
      .prepare(
        `SELECT t.external_id AS id FROM recon_groups g JOIN recon_members m ON m.group_id = g.id AND m.role = 'sale'
           JOIN transactions t ON t.id = m.transaction_id WHERE g.state = 'review' LIMIT 1`,
      )
      .get() as { id: string };
    const row = await only(page, review.id);
    expect(await row.getAttribute('data-recon-state')).toBe('review');
    expect(await row.getByTestId('row-recon-state').textContent()).toBe('Needs review');
    // The first page: every row has a state, in words, and no wire status is doubled into the badge.
    await page.getByTestId('search-clear').click();
    await expect.poll(() => page.getByTestId('transaction-row').count()).toBeGreaterThan(10);
    const states = await page.getByTestId('row-recon-state').allTextContents();
    for (const s of states)
      expect(['Linked', 'Needs review', 'Unmatched', 'Explained', 'Nothing to match']).toContain(s);
    for (const s of await page.getByTestId('row-status').allTextContents())
      expect(s).not.toMatch(/\(|[A-Z]{3,}/);
    await page.screenshot({ path: 'test-results/first-hour/e2e-transactions.png' });
    expect(problems).toEqual([]);
  });
});
