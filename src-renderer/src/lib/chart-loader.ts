import type { Chart as ChartType } from 'chart.js';

let loading: Promise<typeof ChartType> | null = null;

/**
 * Chart.js, loaded the first time a chart is drawn and not with the app: it is about half of the
 * app's script, and parsing it held up the Dashboard's first calls (and so its first figures). Only
 * what the Dashboard draws is registered, so the chunk carries nothing else of Chart.js.
 */
export function loadChart(): Promise<typeof ChartType> {
  loading ??= import('chart.js').then((c) => {
    c.Chart.register(
      c.ArcElement,
      c.BarController,
      c.BarElement,
      c.CategoryScale,
      c.DoughnutController,
      c.Legend,
      c.LinearScale,
      c.LineController,
      c.LineElement,
      c.PointElement,
      c.Tooltip,
    );
    return c.Chart;
  });
  return loading;
}

/**
 * Resolves after the browser has painted the current frame (a frame callback, then a task of its
 * own). Drawing a chart costs 100–300 ms of script; done in the task that put the figures in the
 * page, it held their first paint back until every chart was drawn.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
}
