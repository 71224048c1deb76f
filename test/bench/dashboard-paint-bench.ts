// Dashboard first paint: serves a cache with the real `posrecon serve`, opens the Dashboard in Chromium
// (cold: a new page each time) and reads, from Performance API marks set in the page, when the first
// contentful paint happened and when the period's figures and the revenue chart were first painted
// (Element Timing for the figures; the frame after it entered the DOM for the chart). Prints figures;
// asserts nothing. Target: figures ≤ 1 s.
//   node_modules/.bin/node test/bench/dashboard-paint-bench.ts [--home DIR] [--runs N]
// Without --home it syncs the demo shop into a temporary home first (`posrecon demo`, 60 days).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../support/chromium.ts';
import { startServeProcess } from '../support/serve-process.ts';

const { values } = parseArgs({ options: { home: { type: 'string' }, runs: { type: 'string' } } });
const runs = Number(values.runs ?? 7);
const home = values.home ?? mkdtempSync(join(tmpdir(), 'posrecon-paint-'));
if (!values.home) {
  const demo = spawnSync(
    process.execPath,
    [resolve('src-main/cli/main.ts'), 'demo', '--home', home, '--json'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (demo.status !== 0) throw new Error(`posrecon demo failed with ${demo.status}`);
}

interface Marks {
  fcp: number | null;
  figures: number | null;
  chart: number | null;
}

const serve = await startServeProcess(home);
const browser = await launchChromium();
const results: Marks[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'en-GB' });
    // Marks the first frame painted after each element appears (rAF, then the next task: after paint).
    await page.addInitScript(() => {
      const w = window as unknown as { marks: Record<string, number> };
      w.marks = {};
      // The figures' paint is Chromium's own record of it (Element Timing on their values): a mark
      // taken in a task after the frame would wait behind the charts' drawing, queued meanwhile.
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & {
          identifier: string;
          renderTime: number;
        })[])
          if (e.identifier === 'figure' && !('figures' in w.marks)) w.marks.figures = e.renderTime;
      }).observe({ type: 'element', buffered: true });
      const watch: [string, string][] = [
        // A chart's figure is marked once Chart.js (loaded apart from the app) has drawn it.
        ['chart', 'figure[data-drawn] canvas'],
      ];
      new MutationObserver(() => {
        for (const [name, selector] of watch)
          if (!(name in w.marks) && document.querySelector(selector)) {
            w.marks[name] = -1;
            requestAnimationFrame(() => setTimeout(() => (w.marks[name] = performance.now())));
          }
      }).observe(document, { childList: true, subtree: true, attributeFilter: ['data-drawn'] });
    });
    await page.goto(`${serve.url}#/dashboard`);
    await page.waitForFunction(
      () => {
        const m = (window as unknown as { marks: Record<string, number> }).marks;
        return (m.figures ?? -1) > 0 && (m.chart ?? -1) > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    const marks = await page.evaluate(() => {
      const m = (window as unknown as { marks: Record<string, number> }).marks;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      return { fcp, figures: m.figures ?? null, chart: m.chart ?? null };
    });
    results.push(marks);
    await page.close();
  }
} finally {
  await browser.close();
  await serve.stop();
  if (!values.home) rmSync(home, { recursive: true, force: true });
}

const stat = (k: keyof Marks) => {
  const xs = results
    .map((r) => r[k])
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  return `median ${Math.round(xs[Math.floor(xs.length / 2)] ?? 0)} ms, worst ${Math.round(xs.at(-1) ?? 0)} ms`;
};
console.log(`Dashboard in Chromium, ${runs} cold loads of ${home} (ms from navigation start):`);
console.log(`  first contentful paint   ${stat('fcp')}`);
console.log(`  figures painted          ${stat('figures')}   (target ≤ 1000)`);
console.log(`  revenue chart painted    ${stat('chart')}`);
console.log(`  load average ${loadavg()[0]?.toFixed(1)}`);
