// Scroll trace: serves a 1,000,000-row cache with the real `posrecon serve`, opens the Transactions view
// in Chromium, scrolls the virtualized table with the mouse wheel through thousands of rows (infinite
// keyset pages load on the way), and reports the longest main-thread task from a Chromium performance
// trace and from a long-task observer. Prints figures; asserts nothing.
//   node_modules/.bin/node test/bench/scroll-trace.ts [--rows N] [--wheels N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launchChromium } from '../support/chromium.ts';
import { startServeProcess } from '../support/serve-process.ts';
import { benchHome } from './search-cache.ts';

const { values } = parseArgs({ options: { rows: { type: 'string' }, wheels: { type: 'string' } } });
const rows = Number(values.rows ?? 1_000_000);
const wheels = Number(values.wheels ?? 400);

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tid: number;
  pid: number;
  args?: { data?: { frames?: unknown } };
}

const { home } = await benchHome(rows);
const serve = await startServeProcess(home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(serve.url);
  const table = page.getByTestId('transactions-table');
  await page.getByTestId('transaction-row').first().waitFor();
  await page.getByTestId('search-count').waitFor();
  await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
  const box = (await table.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
  });
  const t0 = Date.now();
  for (let i = 0; i < wheels; i++) {
    await page.mouse.wheel(0, 1200);
    await page.waitForTimeout(16);
  }
  await page.waitForTimeout(500);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  const seconds = (Date.now() - t0) / 1000;

  const loaded = await page.evaluate(
    () => document.querySelector('[data-testid="search-totals"]')?.textContent ?? '',
  );
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  // The renderer's main thread is the one running the page's tasks (CrRendererMain).
  const main = trace.traceEvents.find(
    (e) => e.name === 'thread_name' && (e as { args?: { name?: string } }).args?.name === 'CrRendererMain',
  );
  const tasks = trace.traceEvents
    .filter(
      (e) => e.ph === 'X' && e.name === 'RunTask' && (!main || (e.tid === main.tid && e.pid === main.pid)),
    )
    .map((e) => (e.dur ?? 0) / 1000)
    .sort((a, b) => b - a);
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/scroll-trace.json', JSON.stringify(trace));
  await page.screenshot({ path: 'test-results/scroll-trace-end.png' });
  console.log(
    `rows in cache: ${rows.toLocaleString('en')}; ${wheels} wheel steps of 1200 px in ${seconds.toFixed(1)} s`,
  );
  console.log(`after scrolling: ${loaded.replace(/\s+/g, ' ').trim()}`);
  console.log(
    `main-thread tasks traced: ${tasks.length}; longest ${tasks[0]?.toFixed(1)} ms; next ${tasks
      .slice(1, 5)
      .map((t) => t.toFixed(1))
      .join(', ')} ms`,
  );
  console.log(
    `tasks over 50 ms: trace ${tasks.filter((t) => t > 50).length}, long-task observer ${longTasks.length}${longTasks.length ? ` (longest ${Math.max(...longTasks).toFixed(0)} ms)` : ''}`,
  );
  console.log('trace written to test-results/scroll-trace.json (open in chrome://tracing or Perfetto)');
} finally {
  await browser.close();
  await serve.stop();
}
