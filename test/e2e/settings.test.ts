import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { useTempHome } from '../support/temp-home.ts';

const tempHome = useTempHome();

describe.runIf(chromiumAvailable())('browser mode in Chromium', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync('test-results', { recursive: true });
    serve = await startServeProcess(tempHome());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('changes a setting, and the change survives a reload', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The deliberate bad zone below is answered 400, which Chromium logs; anything else is a problem.
    page.on(
      'console',
      (m) => m.type() === 'error' && !/status of 400/.test(m.text()) && problems.push(m.text()),
    );

    await page.goto(serve.url);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false); // the token left the address bar
    await page.getByTestId('nav-settings').click();
    const name = page.getByTestId('settings-shop-name');
    await expect.poll(() => name.inputValue()).toBe('My shop');

    // A bad zone is refused inline and nothing is saved.
    await page.getByTestId('settings-time-zone').fill('Mars/Olympus');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-time-zone-error').textContent()).toMatch(/IANA/);
    await page.getByTestId('settings-time-zone').fill('Europe/Oslo');

    await name.fill('Kaffebar Grünerløkka');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-saved').isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/settings-saved.png', fullPage: true });
    expect(await page.getByTestId('settings-saved').textContent()).not.toMatch(/history/);
    // A new zone: what is already synced is read again on the next sync, and the page says so.
    await page.getByTestId('settings-time-zone').fill('America/New_York');
    await page.getByTestId('settings-save').click();
    await expect
      .poll(() => page.getByTestId('settings-saved').innerText())
      .toMatch(
        /Settings saved\. Records already synced follow the new time zone and currency after the next sync/,
      );
    await page.screenshot({ path: 'test-results/settings-zone-changed.png', fullPage: true });

    await page.reload();
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('settings-shop-name').inputValue()).toBe('Kaffebar Grünerløkka');
    await page.getByTestId('nav-transactions').click();
    await expect.poll(() => page.getByTestId('transactions-empty').isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/transactions-empty.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  it('adds a currency rate and refuses a review threshold above auto-accept, beside the field', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The deliberate bad threshold below is answered 400, which Chromium logs.
    page.on(
      'console',
      (m) => m.type() === 'error' && !/status of 400/.test(m.text()) && problems.push(m.text()),
    );
    const shot = async (name: string) => {
      for (const width of [1440, 1024]) {
        await page.setViewportSize({ width, height: 1400 }); // the whole section in view
        await page
          .getByTestId('matching-section')
          .screenshot({ path: `test-results/matching-${name}-${width}.png` });
      }
      await page.setViewportSize({ width: 1440, height: 900 });
    };

    await page.goto(serve.url);
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('matching-autoAcceptScore').inputValue()).toBe('0.8');
    await expect.poll(() => page.getByTestId('rates-empty').isVisible()).toBe(true);
    await shot('empty');

    await page.getByTestId('matching-add-rate').click();
    await page.getByTestId('rate-currency-0').fill('ils');
    await page.getByTestId('rate-rate-0').fill('2.9');
    await page.getByTestId('rate-from-0').fill('2026-11-01');
    await page.getByTestId('matching-save').click();
    await expect.poll(() => page.getByTestId('matching-saved').textContent()).toContain('Saved');
    await expect.poll(() => page.getByTestId('matching-run').textContent()).toMatch(/matched again/);
    await expect.poll(() => page.getByTestId('rate-currency-0').inputValue()).toBe('ILS');
    await page.getByTestId('matching-add-rate').click();
    await shot('rows');

    // The contract's check of one rate, shown beside its row and not above the table.
    await page.getByTestId('rate-currency-1').fill('SEK');
    await page.getByTestId('rate-rate-1').fill('0');
    await page.getByTestId('rate-from-1').fill('2026-11-01');
    await page.getByTestId('matching-save').click();
    await expect
      .poll(() => page.getByTestId('rate-error-1').textContent())
      .toMatch(/A rate must be above zero/);
    expect(await page.getByTestId('rate-rate-1').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('rates-error').count()).toBe(0);
    await shot('rate-error');

    // The core's own check of the merged settings, shown beside the field it names.
    await page.getByTestId('rate-remove-1').click();
    await page.getByTestId('matching-reviewScore').fill('0.9');
    await page.getByTestId('matching-save').click();
    await expect
      .poll(() => page.getByTestId('matching-reviewScore-error').textContent())
      .toMatch(/score to suggest for review must not be above the score to link without asking/);
    expect(await page.getByTestId('matching-saved').textContent()).not.toContain('Saved');
    expect(await page.getByTestId('matching-run').count()).toBe(0);
    await shot('error');

    // What was saved is what the core holds: the ILS rate, and the thresholds as before.
    await page.reload();
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('rate-currency-0').inputValue()).toBe('ILS');
    expect(await page.getByTestId('rate-rate-0').inputValue()).toBe('2.9');
    expect(await page.getByTestId('rate-to-0').inputValue()).toBe('');
    expect(await page.getByTestId('matching-reviewScore').inputValue()).toBe('0.45');
    expect(problems).toEqual([]);
  });

  it('answers 401 to a request without the token', async () => {
    const res = await fetch(`${serve.origin}/api/call/settings:get`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const page = await fetch(`${serve.origin}/`);
    expect(page.status).toBe(401);
  });
});
