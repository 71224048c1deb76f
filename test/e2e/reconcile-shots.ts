import { launchChromium } from '../support/chromium.ts';
import { startServeProcess } from '../support/serve-process.ts';

/**
 * A screenshot of the Reconcile view on a demo home at a given width, for people to look at, with the
 * elements that stick out past the window listed (a wide grid or table must scroll in its own box):
 * `node test/e2e/reconcile-shots.ts HOME OUT.png [WIDTH] [--every-day]`. Picks a grid cell with
 * something to review when there is one.
 */
const args = process.argv.slice(2);
const everyDay = args.includes('--every-day');
const [home, out, width = '1024'] = args.filter((a) => !a.startsWith('--'));
if (!home || !out) throw new Error('usage: reconcile-shots.ts HOME OUT.png [WIDTH] [--every-day]');
const serve = await startServeProcess(home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 800 }, locale: 'en-US' });
  await page.goto(`${serve.url}#/reconcile`);
  await page.getByTestId('grid-cell').first().waitFor();
  if (everyDay) await page.getByTestId('period').selectOption('all');
  const flagged = page.locator('[data-testid=grid-cell]:has(.flag)');
  await ((await flagged.count()) ? flagged.first() : page.getByTestId('grid-cell').first()).click();
  await page.waitForTimeout(1500);
  const report = await page.evaluate(() => {
    const W = document.documentElement.clientWidth;
    const over = [...document.querySelectorAll('body *')]
      .map((e) => ({ e, r: e.getBoundingClientRect() }))
      // Inside a box that scrolls on its own, sticking out is what scrolling is for.
      .filter(({ e, r }) => r.right > W + 1 && r.width > 0 && !e.parentElement?.closest('.scroll, .fit'))
      .map(
        ({ e, r }) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(r.right)}`,
      );
    return { width: W, pageWidth: document.documentElement.scrollWidth, over: over.slice(0, 25) };
  });
  console.log(JSON.stringify(report, null, 1));
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
  await serve.stop();
}
