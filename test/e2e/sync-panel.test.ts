import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();

const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

/** `posrecon sandbox` on a given port: the same seeded world `posrecon demo` synced from, and stopped. */
function startSandbox(port: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.resolve('src-main/cli/main.ts'), 'sandbox', '--port', port, '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`posrecon sandbox exited with ${code}`)));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.trimEnd().endsWith('}')) resolve(child);
    });
  });
}

const DEMO = ['Demo Cents', 'Demo LFL TGI', 'Demo SensePass', 'Demo SentryPOS', 'Demo Vipps MobilePay'];

describe.runIf(chromiumAvailable())('the Sync panel in Chromium, on the demo world', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let sandbox: ChildProcess | undefined;

  beforeAll(async () => {
    mkdirSync('test-results', { recursive: true });
    const home = tempHome();
    execFileSync(process.execPath, [path.resolve('src-main/cli/main.ts'), 'demo', '--home', home], {
      stdio: 'pipe',
    });
    serve = await startServeProcess(home);
    browser = await launchChromium();
  });
  afterAll(async () => {
    sandbox?.kill('SIGTERM');
    await browser?.close();
    await serve?.stop();
  });

  async function openDashboard(colorScheme: 'light' | 'dark'): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(serve.url);
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('sync-panel').waitFor();
    return { page, problems };
  }

  const card = (page: Page, name: string) =>
    page.locator('[data-testid^="sync-connection-"]').filter({ has: page.getByRole('heading', { name }) });

  it('shows the five demo connections synced, with completeness days, in light and dark', async () => {
    const { page, problems } = await openDashboard('light');
    const cards = page.locator('[data-testid^="sync-connection-"]');
    await expect.poll(() => cards.count()).toBe(5);
    for (const name of DEMO) {
      await expect.poll(() => card(page, name).getByTestId('sync-status-badge').textContent()).toBe('Synced');
    }
    // Cents has no day-by-day check; the other four show the last 30 days of each stream.
    expect(await card(page, 'Demo SentryPOS').getByTestId('completeness-day').count()).toBe(30);
    expect(await card(page, 'Demo Vipps MobilePay').getByTestId('completeness-day').count()).toBe(60);
    expect(await card(page, 'Demo Cents').getByTestId('completeness-day').count()).toBe(0);
    const sentryDay = card(page, 'Demo SentryPOS').locator(
      '[data-testid="completeness-day"][data-state="complete"]',
    );
    expect(await sentryDay.first().getAttribute('title')).toMatch(
      /^\d{4}-\d{2}-\d{2}: Complete — we hold \d+ sales/,
    );
    expect(await card(page, 'Demo SentryPOS').textContent()).toContain('Not scheduled');
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel.png' });

    const dark = await openDashboard('dark');
    await expect.poll(() => dark.page.getByTestId('sync-status-badge').count()).toBe(5);
    await dark.page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-dark.png' });
    expect([...problems, ...dark.problems]).toEqual([]);
  });

  it('"Sync all" runs every connection; with the demo sandbox stopped, each card says it could not reach it', async () => {
    const { page, problems } = await openDashboard('light');
    const syncAll = page.getByTestId('sync-all');
    await syncAll.click();
    // While the runs go: the button is busy and every card says so, with a Cancel instead of Sync now.
    await expect.poll(() => syncAll.textContent()).toBe('Syncing…');
    await expect.poll(() => page.getByText('Syncing…', { exact: true }).count()).toBeGreaterThanOrEqual(5);
    expect(await card(page, 'Demo SentryPOS').getByTestId('sync-cancel').isVisible()).toBe(true);
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-running.png' });

    // `posrecon demo` stops its sandbox when done, so the demo connections' hosts are gone: the UI must
    // say so plainly rather than spin or claim success. Retries make this take up to ~40 s.
    await expect.poll(() => syncAll.textContent(), { timeout: 90_000, interval: 1000 }).toBe('Sync all');
    for (const name of DEMO) {
      const c = card(page, name);
      expect(await c.getByTestId('sync-status-badge').textContent()).toBe('Failed');
      const provider = name.replace(/^Demo /, '');
      expect(await c.getByTestId('sync-error').textContent()).toMatch(
        new RegExp(`^Could not reach ${provider}`),
      );
      // The cache from the earlier run is kept, and so is its completeness.
      expect(await c.textContent()).toContain('Last successful');
    }
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-after-sync.png' });
    expect(problems).toEqual([]);
  });

  it('with the sandbox back on its old port, "Sync all" shows live progress and ends "Synced"', async () => {
    const listed = await fetch(`${serve.origin}/api/call/connections:list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-posrecon-token': tokenOf(serve.url) },
      body: '{}',
    });
    const { value } = (await listed.json()) as { value: { connections: { config: { baseUrl: string } }[] } };
    const port = new URL(value.connections[0]?.config.baseUrl ?? '').port;
    sandbox = await startSandbox(port);

    const { page, problems } = await openDashboard('light');
    // Bars come and go within seconds; the page records every one it ever showed.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenProgress: string[] }).seenProgress = seen;
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[data-testid="sync-progress"]'))
          seen.push(`${bar.getAttribute('aria-label')}|${bar.getAttribute('aria-valuetext')}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.getByTestId('sync-all').click();
    await expect.poll(() => page.getByTestId('sync-progress').count()).toBeGreaterThan(0);
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-progress.png' });
    await expect
      .poll(() => page.getByTestId('sync-all').textContent(), { timeout: 90_000, interval: 500 })
      .toBe('Sync all');
    for (const name of DEMO) {
      expect(await card(page, name).getByTestId('sync-status-badge').textContent()).toBe('Synced');
      expect(await card(page, name).getByTestId('sync-error').count()).toBe(0);
    }
    const seen = await page.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress);
    expect(seen.some((s) => /^Demo SentryPOS: sales\|[\d,]+ (of [\d,]+ )?records/.test(s))).toBe(true);
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-resynced.png' });
    expect(problems).toEqual([]);
  });
});
