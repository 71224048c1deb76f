import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { notCounted } from '../support/direct-totals.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();

interface Sum {
  currency: string;
  count: number;
  amountMinor: number;
}

/** The totals the page shows, read from the data attributes that carry exact minor units. */
async function shownTotals(page: Page): Promise<{ count: number; matched: number; sums: Sum[] }> {
  return page.getByTestId('search-totals').evaluate((el: HTMLElement) => ({
    count: Number((el.querySelector('[data-testid="search-count"]')?.textContent ?? '').replace(/\D/g, '')),
    matched: Number(el.dataset.matched),
    sums: [...el.querySelectorAll<HTMLElement>('[data-testid="search-sum"]')].map((s) => ({
      currency: s.dataset.currency ?? '',
      count: 0,
      amountMinor: Number(s.dataset.minor),
    })),
  }));
}

describe.runIf(chromiumAvailable())('search in Chromium, on the demo world', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let db: Database.Database;

  beforeAll(async () => {
    mkdirSync('test-results', { recursive: true });
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

  async function open(colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(serve.url);
    await page.getByTestId('transaction-row').first().waitFor();
    return { page, problems };
  }

  async function search(page: Page, text: string): Promise<void> {
    await page.keyboard.press('/');
    await page.getByTestId('search-input').fill(text);
    await expect
      .poll(() =>
        page
          .getByTestId('search-count')
          .textContent({ timeout: 5000 })
          .catch(() => ''),
      )
      .not.toBe('');
  }

  it('finds a customer by name, and a capture by its pspReference, and opens its detail', async () => {
    const { page, problems } = await open();
    const { name, n } = db
      .prepare(
        `SELECT customer_name AS name, count(*) AS n FROM transactions WHERE customer_name IS NOT NULL
          GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
      )
      .get() as { name: string; n: number };
    await search(page, name);
    // The totals come after the rows, and a text's are counted on worker threads started on first use.
    await expect
      .poll(async () => (await shownTotals(page)).matched, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(n);
    const rows = page.getByTestId('transaction-row');
    await expect.poll(() => rows.first().textContent()).toContain(name);
    for (const row of await rows.allTextContents())
      expect(row.toLowerCase()).toContain(name.split(' ')[0]!.toLowerCase());

    const psp = db
      .prepare("SELECT value FROM transaction_refs WHERE kind = 'pspReference' LIMIT 1 OFFSET 100")
      .get() as {
      value: string;
    };
    // The Sales API capture, its Report ledger twin and the fee charged for it all carry the same
    // pspReference: all are listed, and the twin and the charge are not counted again.
    const carriers = db
      .prepare(
        `SELECT count(*) AS n, coalesce(sum(${notCounted('t')}), 0) AS views FROM transactions t
          WHERE t.id IN (SELECT transaction_id FROM transaction_refs WHERE value = ?)`,
      )
      .get(psp.value) as { n: number; views: number };
    await search(page, psp.value);
    await expect.poll(async () => (await shownTotals(page)).matched, { timeout: 15_000 }).toBe(carriers.n);
    expect((await shownTotals(page)).count).toBe(carriers.n - carriers.views);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('transaction-detail');
    await detail.waitFor();
    expect(await page.getByTestId('detail-references').textContent()).toContain(psp.value);
    await page.getByTestId('detail-raw').evaluate((el) => el.closest('details')?.setAttribute('open', ''));
    await page.screenshot({ path: 'test-results/search-detail.png' });
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('counts each Vipps payment once, and says which view it counts', async () => {
    const { page, problems } = await open();
    const views = db.prepare(`SELECT count(*) AS n FROM transactions t WHERE ${notCounted('t')}`).get() as {
      n: number;
    };
    const all = db.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number };
    // posrecon demo reconciles after its sync, so the Report ledger twins are known.
    expect(views.n).toBeGreaterThan(100);
    await expect
      .poll(async () => shownTotals(page).then((t) => [t.count, t.matched]), { timeout: 15_000 })
      .toEqual([all.n - views.n, all.n]);
    const note = await page.getByTestId('search-note').textContent();
    expect(note).toMatch(
      /^Vipps payments are counted once, from the Sales API; [\d,]+ Report ledger entries/,
    );
    // The headline of NOK is the payments received less refunds, counted once.
    const received = db
      .prepare(
        `SELECT sum(amount_minor) AS s FROM transactions t WHERE currency = 'NOK' AND kind IN ('capture', 'refund')
          AND NOT ${notCounted('t')}`,
      )
      .get() as { s: number };
    const nok = (await shownTotals(page)).sums.find((s) => s.currency === 'NOK');
    expect(nok?.amountMinor).toBe(received.s);
    await page.getByTestId('search-totals').screenshot({ path: 'test-results/search-totals.png' });
    await page.screenshot({ path: 'test-results/search-totals-page.png' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('combines filters, and the totals equal a direct SQL sum', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, problems } = await open(scheme);
      const { first, last } = db
        .prepare('SELECT min(business_date) AS first, max(business_date) AS last FROM transactions')
        .get() as {
        first: string;
        last: string;
      };
      const from = first < last ? first : last;
      await page.getByTestId('filter-provider').selectOption('vipps');
      await page.getByTestId('filter-status').selectOption('completed');
      await page.getByTestId('filter-kind').selectOption('capture');
      await page.getByTestId('filter-from').fill(from);
      await page.getByTestId('filter-to').fill(last);
      await page.getByTestId('filter-to').dispatchEvent('change');
      await expect.poll(() => page.getByTestId('filter-chip').count()).toBe(5);
      const direct = db
        .prepare(
          `SELECT currency, count(*) AS count, sum(amount_minor) AS amountMinor FROM transactions
            WHERE provider = 'vipps' AND status = 'completed' AND kind = 'capture' AND business_date BETWEEN ? AND ?
              AND NOT EXISTS (SELECT 1 FROM recon_views v WHERE v.transaction_id = transactions.id)
            GROUP BY currency ORDER BY currency`,
        )
        .all(from, last) as Sum[];
      expect(direct.length).toBeGreaterThan(0);
      // Captures only: the headline (received) is their sum, each counted once.
      await expect
        .poll(async () => shownTotals(page).then(({ count, sums }) => ({ count, sums })))
        .toEqual({
          count: direct.reduce((s, r) => s + r.count, 0),
          sums: direct.map((r) => ({ currency: r.currency, count: 0, amountMinor: r.amountMinor })),
        });
      const rows = await page.getByTestId('transaction-row').allTextContents();
      expect(rows.length).toBeGreaterThan(5);
      for (const row of rows) expect(row).toMatch(/Vipps.*Payment.*Completed/);
      await page.screenshot({ path: `test-results/search-filters-${scheme}.png` });
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});
