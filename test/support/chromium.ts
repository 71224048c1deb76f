import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.POSRECON_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the E2E suite can run. Under CI a missing browser is a failure, never a skip: `.ci/run`
 * installs Debian's chromium, so its absence means the setup is broken.
 */
export function chromiumAvailable(): boolean {
  const present = existsSync(CHROMIUM_PATH);
  if (!present && process.env.CI) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}; install the Debian package "chromium".`);
  }
  return present;
}

/** Debian's Chromium, headless, with everything that would try to reach the (closed) network turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
