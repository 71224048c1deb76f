import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src-main/core/sandbox/index.ts';
import { chromiumAvailable, launchChromium } from '../support/chromium.ts';
import {
  type SecretServiceSession,
  secretServiceSkipNote,
  startSecretService,
} from '../support/secret-service.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';

const ready = chromiumAvailable() && secretServiceSkipNote() === undefined;
// How long a poll waits for the page to show a state: vitest's default (1 s) is shorter than a test or a
// sync takes on a loaded machine, which made this test fail now and then.
const UNTIL_SHOWN = { timeout: 30_000 };

describe.runIf(ready)('Connections in Chromium (browser mode, private Secret Service)', () => {
  let session: SecretServiceSession;
  let sandbox: RunningSandbox;
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync('test-results', { recursive: true });
    session = await startSecretService();
    sandbox = await startSandbox({ seed: 9, days: 4, salesPerDay: 15 });
    serve = await startServeProcess(path.join(session.env.HOME ?? session.dir, 'posrecon'), {
      env: session.env,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await sandbox?.close();
    await session?.stop();
  });

  it('adds a SentryPOS connection to the sandbox, tests and syncs it; the key can never be read back', async () => {
    const key = sandbox.credentials.sentrypos.apiKey ?? '';
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on(
      'console',
      (m) => m.type() === 'error' && !/status of 400/.test(m.text()) && problems.push(m.text()),
    );

    await page.goto(serve.url);
    await page.getByTestId('nav-connections').click();
    await page.getByTestId('connections-empty').waitFor();
    await page.getByTestId('connection-add').click();
    await page.getByTestId('connection-provider').selectOption('sentrypos');
    await page.getByTestId('connection-name').fill('Shop till');
    await page.getByTestId('connection-baseUrl').fill('not an address');
    await page.getByTestId('connection-secret-apiKey').fill(key);
    await page.getByTestId('connection-save').click();
    await expect
      .poll(() => page.getByTestId('connection-baseUrl-error').textContent(), UNTIL_SHOWN)
      .toMatch(/API address/);
    await page.screenshot({ path: 'test-results/connections-form-error.png', fullPage: true });

    await page.getByTestId('connection-baseUrl').fill(sandbox.baseUrls.sentrypos);
    await page.getByTestId('connection-save').click();
    const card = page.getByTestId('connection-shop-till');
    await card.waitFor();
    // Each state a card shows arrives with an answer from the core: wait for it, never read it once.
    await expect
      .poll(() => page.getByTestId('connection-shop-till-never-synced').textContent(), UNTIL_SHOWN)
      .toBe('Never synced');

    await page.getByTestId('connection-shop-till-test').click();
    await expect
      .poll(() => page.getByTestId('connection-shop-till-test-result').textContent(), UNTIL_SHOWN)
      .toBe('Connected to SentryPOS: the credentials were accepted.');
    // The badge follows once the overview is read again after the test (the result shows first).
    await expect
      .poll(() => page.getByTestId('connection-shop-till-state').textContent(), UNTIL_SHOWN)
      .toBe('Connected');

    await page.getByTestId('connection-shop-till-sync').click();
    await expect
      .poll(() => page.getByTestId('connection-shop-till-sync-result').textContent(), UNTIL_SHOWN)
      .toMatch(/^Synced: [1-9]\d* records/);
    // The card's badge follows once the overview is read again after the sync.
    await expect
      .poll(() => page.getByTestId('connection-shop-till-never-synced').count(), UNTIL_SHOWN)
      .toBe(0);
    await page.screenshot({ path: 'test-results/connections-light.png', fullPage: true });

    // The saved key is masked with only "Replace"; nowhere in the page, nor in any answer, is it.
    await page.getByTestId('connection-shop-till-edit').click();
    // The form opens after the click: wait for the masked field before reading it.
    await page.getByTestId('connection-secret-apiKey-replace').waitFor();
    const masked = page.getByTestId('connection-secret-apiKey');
    await expect.poll(() => masked.evaluate((el) => el.tagName), UNTIL_SHOWN).toBe('SPAN');
    expect(await page.content()).not.toContain(key);
    const answers = await page.evaluate(async () => {
      const call = (op: string, body: unknown) =>
        fetch(`/api/call/${op}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.text());
      const { value } = JSON.parse(await call('connections:overview', {})) as {
        value: { connections: { id: string }[] };
      };
      const id = value.connections[0]?.id ?? '';
      return [
        await call('connections:overview', {}),
        await call('connections:hasSecret', { id }),
        await call('connections:list', {}),
      ];
    });
    expect(answers[1]).toBe('{"ok":true,"value":{"hasSecret":true}}');
    for (const a of answers) expect(a).not.toContain(key);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/connections-dark.png', fullPage: true });

    // Another address: the form asks for the key again and the core refuses the change without it.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('connection-baseUrl').fill('https://elsewhere.example/api');
    await page.getByTestId('connection-secret-again').waitFor();
    await page.getByTestId('connection-save').click();
    await expect
      .poll(() => page.getByTestId('connection-secret-apiKey-error').textContent(), UNTIL_SHOWN)
      .toMatch(/The address changed to https:\/\/elsewhere\.example: enter the API key .* again/);
    await page.screenshot({ path: 'test-results/connections-address-changed.png', fullPage: true });
    await page.getByRole('button', { name: 'Cancel' }).click();

    // The entry lives in the keychain, outside the app.
    const found = await session.secretTool(['search', '--all', 'service', 'posrecon']);
    expect(found.stdout).toContain(key);

    // The records are in the cache (the card counts them from it).
    await expect.poll(() => card.textContent(), UNTIL_SHOWN).toMatch(/[1-9]\d* cached records/);
    expect(problems).toEqual([]);
  });
});
