import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';
import { cli } from '../unit/cli/run-cli.ts';

/**
 * Issue 15's "done when": what a newcomer does in the first hour, on a fresh home, in order. Each step
 * is its own test so a failure names the step; they share one home, one `posrecon serve` and one tab.
 * Screenshots: test-results/first-hour/journey-<step>.png.
 */
const tempHome = useTempHome();
const SHOTS = 'test-results/first-hour';
// How long the page may take to show a state (a sync of five demo providers on a loaded machine).
const UNTIL_SHOWN = { timeout: 60_000 };
const DAY_MS = 86_400_000;

/** The `posrecon` command as a person types it: its own process, exit code and output as the shell sees them. */
function shell(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve('src-main/cli/main.ts'), ...args], (error, out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out, err });
    });
  });
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe.runIf(chromiumAvailable())("a newcomer's first hour, on a fresh home", () => {
  const home = tempHome();
  // The demo is run as if two days ago, so that the sync in step 6 finds the sales the shop has made
  // since: the embedded sandbox's world goes on with the real clock, which the server runs on.
  const demoClock = new Date(Date.now() - 2 * DAY_MS);
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let terminal: Page;
  const problems: string[] = [];

  const count = (where: string, ...params: unknown[]): number => {
    const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
    try {
      return (
        db.prepare(`SELECT count(*) AS n FROM transactions WHERE ${where}`).get(...params) as { n: number }
      ).n;
    } finally {
      db.close();
    }
  };
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/journey-${name}.png`, fullPage: true });
  /** A CLI step's screenshot: what the terminal showed. */
  async function terminalShot(name: string, command: string, text: string): Promise<void> {
    await terminal.setContent(
      `<pre style="margin:0;padding:16px;background:#1e1e1e;color:#ddd;font:13px/1.4 monospace;white-space:pre-wrap">` +
        `<b style="color:#8ae234">$ ${escapeHtml(command)}</b>\n${escapeHtml(text)}</pre>`,
    );
    await terminal.screenshot({ path: `${SHOTS}/journey-${name}.png`, fullPage: true });
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    terminal = await browser.newPage({ viewport: { width: 1000, height: 400 } });
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('1. demo: `posrecon demo` fills the home with a demo shop', { timeout: 600_000 }, async () => {
    const demo = await cli(['demo', '--home', home], {}, demoClock);
    await terminalShot('1-demo', 'npm run demo', demo.out + demo.err);
    expect(demo.code, demo.err).toBe(0);
    expect(demo.out).toMatch(/run `posrecon serve --home .*` to browse it/);
    expect(count("kind = 'sale'")).toBeGreaterThan(1000);
  });

  it('2. serve: `posrecon serve` opens the app in the browser', { timeout: 300_000 }, async () => {
    serve = await startServeProcess(home);
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(serve.url);
    await page.getByTestId('transaction-row').first().waitFor(UNTIL_SHOWN);
    await shot('2-serve');
  });

  it("3. Dashboard: the period's figures, the same as `posrecon report`", async () => {
    const report = await cli(['report', '--home', home, '--json']);
    expect(report.code, report.err).toBe(0);
    const { current } = JSON.parse(report.out) as { current: { revenue: { sales: number }[] } };
    const sales = current.revenue.reduce((s, r) => s + r.sales, 0);
    expect(sales).toBeGreaterThan(0);

    await page.getByTestId('nav-dashboard').click();
    const salesFigure = page.getByTestId('figure').filter({ hasText: /^Sales/ });
    await expect
      .poll(
        async () => ((await salesFigure.locator('.value').textContent()) ?? '').replace(/\D/g, ''),
        UNTIL_SHOWN,
      )
      .toBe(String(sales));
    expect(await page.getByTestId('error-notice').count()).toBe(0);
    await shot('3-dashboard');
  });

  it('4. search a customer by name', async () => {
    const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
    const { name } = db
      .prepare(
        `SELECT customer_name AS name FROM transactions WHERE customer_name IS NOT NULL
          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      )
      .get() as { name: string };
    db.close();
    await page.getByTestId('nav-transactions').click();
    await page.getByTestId('search-input').fill(name);
    const rows = page.getByTestId('transaction-row');
    // Every row found is that customer's (the search matches each word as a prefix, in any field).
    const first = name.split(' ')[0]!.toLowerCase();
    await expect
      .poll(async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.every((t) => t.toLowerCase().includes(first));
      }, UNTIL_SHOWN)
      .toBe(true);
    expect(await rows.first().textContent()).toContain(name);
    // The totals follow the rows; the screenshot shows both.
    await page.getByTestId('search-count').waitFor(UNTIL_SHOWN);
    await shot('4-search');
  });

  it('5. one click on a row opens its detail', async () => {
    const row = page.getByTestId('transaction-row').first();
    const digits = (text: string | null) => (text ?? '').replace(/\D/g, '');
    const amount = digits(await row.getByTestId('row-amount').textContent());
    await row.click();
    const detail = page.getByTestId('transaction-detail');
    await detail.waitFor({ timeout: 10_000 });
    // The detail is the clicked row's (its amount, whatever words show its direction).
    expect(digits(await page.getByTestId('detail-amount').textContent())).toBe(amount);
    // One click selects no text (a double click would).
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    await shot('5-detail');
    await page.getByTestId('detail-close').click();
  });

  it('6. sync again: the sales made since the demo arrive', { timeout: 300_000 }, async () => {
    const after = demoClock.toISOString();
    expect(count("kind = 'sale' AND occurred_at > ?", after)).toBe(0);
    await page.getByTestId('nav-dashboard').click();
    const cards = page.locator('[data-testid^="sync-connection-"]');
    await expect.poll(() => cards.count(), UNTIL_SHOWN).toBe(5);
    await page.getByTestId('sync-all').click();
    await expect
      .poll(() => count("kind = 'sale' AND occurred_at > ?", after), UNTIL_SHOWN)
      .toBeGreaterThan(0);
    // Every card ends "Synced": no failure, nothing left running.
    await expect
      .poll(() => cards.getByTestId('sync-status-badge').allTextContents(), { timeout: 240_000 })
      .toEqual(['Synced', 'Synced', 'Synced', 'Synced', 'Synced']);
    expect(await page.getByTestId('sync-error').count()).toBe(0);
    await shot('6-sync');

    // A sale made since the demo is there to find.
    const db = new Database(path.join(home, 'posrecon.sqlite'), { readonly: true });
    const fresh = db
      .prepare(
        `SELECT external_id AS id FROM transactions WHERE kind = 'sale' AND occurred_at > ?
          ORDER BY occurred_at DESC LIMIT 1`,
      )
      .get(after) as { id: string };
    db.close();
    await page.getByTestId('nav-transactions').click();
    await page.getByTestId('search-input').fill(fresh.id);
    await expect.poll(() => page.getByTestId('transaction-row').count(), UNTIL_SHOWN).toBeGreaterThan(0);
    await shot('6-new-sale');
  });

  it('7. test a connection: the demo provider answers', { timeout: 120_000 }, async () => {
    await page.getByTestId('nav-connections').click();
    await page.getByTestId('connection-demo-sentrypos-test').click();
    const result = page.getByTestId('connection-demo-sentrypos-test-result');
    await expect
      .poll(() => result.textContent(), UNTIL_SHOWN)
      .toBe('Connected to SentryPOS: the credentials were accepted.');
    await shot('7-test-connection');
  });

  it('8. a CLI mistake gets a clear error', { timeout: 120_000 }, async () => {
    const mistake = await shell(['search', '--from', '2026-13-45', '--home', home]);
    await terminalShot('8-cli-error', 'npx posrecon search --from 2026-13-45', mistake.out + mistake.err);
    // A usage error (2): its first line names the flag as typed, the value and the form it takes; the
    // usage follows. No internal field name, no stack.
    expect(mistake.code).toBe(2);
    const [first] = mistake.err.split('\n');
    expect(first).toMatch(/--from\b.*2026-13-45.*YYYY-MM-DD/);
    expect(mistake.err).not.toMatch(/dateFrom|\n\s+at /);
    expect(mistake.out).toBe('');
    expect(problems).toEqual([]);
  });
});
