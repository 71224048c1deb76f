import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();
const SHOTS = 'test-results/exports';

describe.runIf(chromiumAvailable())('Exports in Chromium, on the demo world', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const home = tempHome();
    execFileSync(process.execPath, [path.resolve('src-main/cli/main.ts'), 'demo', '--home', home], {
      stdio: 'pipe',
    });
    serve = await startServeProcess(home);
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  async function open(width: number): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The deliberate bad period below is answered 400, which Chromium logs; anything else is a problem.
    page.on(
      'console',
      (m) => m.type() === 'error' && !/status of 400/.test(m.text()) && problems.push(m.text()),
    );
    await page.goto(serve.url);
    await page.getByTestId('nav-exports').click();
    await page.getByTestId('export-form').waitFor();
    return { page, problems };
  }

  it('exports last month, shows progress, and downloads the workbook', async () => {
    const { page, problems } = await open(1440);
    // The demo's own workbook of last month is listed already, with its link.
    await expect.poll(() => page.getByTestId('past-export').count(), { timeout: 30_000 }).toBe(1);
    await page.screenshot({ path: `${SHOTS}/exports-start.png`, fullPage: true });

    // Hold the answer (not the work) so the running state, fed by real progress events, can be seen.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/call/export:xlsx', async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    await page.getByTestId('export-preset').first().click();
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('export-progress-text').textContent(), { timeout: 90_000 })
      .toMatch(/ of .* rows/);
    await page.screenshot({ path: `${SHOTS}/exports-running.png`, fullPage: true });
    release();

    const link = page.getByTestId('export-done-download');
    await link.waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByTestId('past-export').count(), { timeout: 30_000 }).toBe(2);
    await page.screenshot({ path: `${SHOTS}/exports-done.png`, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(
      /^posrecon-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}-made-.*\.xlsx$/,
    );
    const file = path.join(tempHome(), 'downloaded.xlsx');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // a zip, i.e. an xlsx
    // The file downloaded is the one logged: same content hash.
    const list = (await page.evaluate(async () => {
      const r = await fetch('/api/call/export:list', { method: 'POST', body: '{}' });
      return r.json();
    })) as { value: { exports: { sha256: string }[] } };
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(list.value.exports[0]!.sha256);
    expect(problems).toEqual([]);
  }, 180_000);

  it('says plainly when the period is wrong, and fits 1024 px', async () => {
    const { page, problems } = await open(1024);
    await page.getByTestId('export-from').fill('2026-03-31');
    await page.getByTestId('export-to').fill('2026-03-01');
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('error-notice').first().textContent(), { timeout: 30_000 })
      .toMatch(/before it starts/);
    await page.screenshot({ path: `${SHOTS}/exports-error-1024.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    expect(problems).toEqual([]);
  }, 60_000);

  it('closes last month only after confirming, lists the close, and re-exports it as booked', async () => {
    const { page, problems } = await open(1280);
    await page.getByTestId('export-preset').first().click();
    await page.getByTestId('close-period').click();
    await page.getByTestId('close-confirm').waitFor();
    await page.screenshot({ path: `${SHOTS}/exports-close-confirm.png`, fullPage: true });
    await page.getByTestId('close-confirm-yes').click();
    await page.getByTestId('closed-period').waitFor({ timeout: 120_000 });
    await page.getByTestId('export-done-download').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('close-period').isDisabled()).toBe(true);
    expect(await page.getByTestId('past-export').first().textContent()).toContain('closed the period');
    await page.screenshot({ path: `${SHOTS}/exports-closed.png`, fullPage: true });

    // The same month again: the workbook booked at close, said so in the list.
    await page.getByTestId('export-start').click();
    await expect
      .poll(() => page.getByTestId('past-export').first().textContent(), { timeout: 120_000 })
      .toContain('as booked');
    expect(problems).toEqual([]);
  }, 300_000);
});
