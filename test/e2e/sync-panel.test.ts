import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();

const tokenOf = (url: string) => new URL(url).searchParams.get('token') ?? '';

const DEMO = ['Demo Cents', 'Demo LFL TGI', 'Demo SensePass', 'Demo SentryPOS', 'Demo Vipps MobilePay'];

describe.runIf(chromiumAvailable())('the Sync panel in Chromium, on the demo world', () => {
  let serve: ServeProcess;
  let browser: Browser;

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
    // The day is written as the reader's locale writes dates (the strip's ends too), not as ISO.
    expect(await sentryDay.first().getAttribute('title')).toMatch(
      /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}: Complete — we hold \d+ sales/,
    );
    expect(await card(page, 'Demo SentryPOS').getByTestId('completeness-ends').textContent()).toMatch(
      /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/,
    );
    expect(await card(page, 'Demo SentryPOS').textContent()).toContain('Not scheduled');
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel.png' });

    const dark = await openDashboard('dark');
    await expect.poll(() => dark.page.getByTestId('sync-status-badge').count()).toBe(5);
    await dark.page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-dark.png' });
    expect([...problems, ...dark.problems]).toEqual([]);
  });

  it('with no sandbox running, "Sync all" syncs from the embedded demo shop with live progress and ends "Synced"', async () => {
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
    // While the runs go the button says so; the demo shop is started on demand, in the core host.
    await expect.poll(() => page.getByTestId('sync-all').textContent()).toBe('Syncing…');
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
    expect(seen.some((s) => /^Demo SentryPOS: sales\|[\d,]+ (of [\d,]+ )?records/i.test(s))).toBe(true);
    await page.getByTestId('sync-panel').screenshot({ path: 'test-results/sync-panel-resynced.png' });
    expect(problems).toEqual([]);
  });

  it('a demo connection test reaches the embedded sandbox through the browser-mode API', async () => {
    const call = async (op: string, body: unknown) => {
      const res = await fetch(`${serve.origin}/api/call/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-posrecon-token': tokenOf(serve.url) },
        body: JSON.stringify(body),
      });
      return ((await res.json()) as { value: unknown }).value;
    };
    const { connections } = (await call('connections:list', {})) as { connections: { id: string }[] };
    expect(connections).toHaveLength(5);
    for (const c of connections) {
      expect(await call('connections:test', { id: c.id })).toMatchObject({ ok: true });
    }
  });
});
