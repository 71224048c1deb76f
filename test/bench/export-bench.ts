// Export benchmark (issue 12 item 7): a workbook of ~1,000,000 rows written through the real export
// service (its worker thread, one read snapshot, the streaming writer) while the core answers
// `app:info` on its own thread; beside it, in the same run, the same rows written by the streaming
// writer and by the baseline — the whole sheet built in memory with ExcelJS, then written — each in a
// child process of its own, so each peak RSS is its own. Prints figures; asserts nothing.
//   node_modules/.bin/node test/bench/export-bench.ts [--cache-rows N] [--baseline-rows N]
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore } from '../../src-main/core/core.ts';
import { ShopClock } from '../../src-main/core/export/cells.ts';
import { ExportService } from '../../src-main/core/export/export-service.ts';
import type { ExportPeriod } from '../../src-main/core/export/period.ts';
import { XlsxSheet, openWorkbook } from '../../src-main/core/export/sheet-writer.ts';
import { paymentsSheet, salesSheet } from '../../src-main/core/export/sheets.ts';
import { databaseFile } from '../../src-main/core/home.ts';
import { benchHome, reusableCache } from './search-cache.ts';

const { values } = parseArgs({
  options: {
    'cache-rows': { type: 'string' },
    'baseline-rows': { type: 'string' },
    child: { type: 'string' },
    prepare: { type: 'string' },
    file: { type: 'string' },
    rows: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
});
const mib = () => Math.round(process.resourceUsage().maxRSS / 1024);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Writes the first `rows` rows of Sales then Payments, streamed or whole-in-memory; prints JSON. */
async function child(mode: 'stream' | 'memory', file: string, rows: number, p: ExportPeriod) {
  const db = new Database(file, { readonly: true });
  db.exec('BEGIN');
  const clock = new ShopClock('Europe/Oslo');
  const out = join(tmpdir(), `posrecon-export-bench-${mode}-${process.pid}.xlsx`);
  const t0 = performance.now();
  let n = 0;
  if (mode === 'stream') {
    const wb = openWorkbook(out, new Date());
    for (const src of [salesSheet, paymentsSheet]) {
      if (n >= rows) break;
      const spec = { ...src, currencies: src.currencies(db, p) };
      const sheet = new XlsxSheet(wb, spec);
      for (const r of src.rows(db, p, clock)) {
        await sheet.add(r);
        if (++n >= rows) break;
      }
      await sheet.end();
    }
    await wb.commit();
  } else {
    // The baseline: every row of the sheet held as ExcelJS objects, then the whole book written.
    const wb = new ExcelJS.Workbook();
    for (const src of [salesSheet, paymentsSheet]) {
      if (n >= rows) break;
      const ws = wb.addWorksheet(src.name);
      ws.columns = src.columns.map((c) => ({ header: c.header, width: c.width }));
      for (const r of src.rows(db, p, clock)) {
        ws.addRow(r);
        if (++n >= rows) break;
      }
    }
    await wb.xlsx.writeFile(out);
  }
  const ms = performance.now() - t0;
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  db.close();
  console.log(JSON.stringify({ mode, rows: n, ms, bytes, peakMiB: mib() }));
}

/** Copies the cache, migrates it (createCore) and gives it the Sales sheet's groups. */
async function prepare(home: string, src: string) {
  mkdirSync(home, { recursive: true });
  copyFileSync(join(src, 'posrecon.sqlite'), databaseFile(home));
  const core = await createCore({ home, actor: 'bench' });
  const db = core.store.db;
  // The generated cache has no reconciliation run (at this size one takes minutes, see
  // reconcile-bench.ts): each POS sale becomes its own unmatched group, as a run leaves a sale whose
  // payment it cannot find, so the Sales sheet has its real query and row shape.
  const t0 = performance.now();
  db.exec(`INSERT OR IGNORE INTO recon_groups (key, anchor_date, state, method, providers, currency, sale_minor, paid_minor, version)
           SELECT 'sale:' || connection_id || ':' || external_id, business_date, 'unmatched', 'none', '', currency,
                  amount_minor, 0, 'bench' FROM transactions WHERE provider = 'sentrypos' AND kind = 'sale';
           INSERT OR IGNORE INTO recon_members (transaction_id, group_id, role)
           SELECT t.id, g.id, 'sale' FROM transactions t
             JOIN recon_groups g ON g.key = 'sale:' || t.connection_id || ':' || t.external_id
            WHERE t.provider = 'sentrypos' AND t.kind = 'sale';`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  core.close();
  // The migration's backup copy is not needed here.
  for (const f of readdirSync(home)) if (f.endsWith('.bak')) rmSync(join(home, f), { force: true });
  console.log(`groups for the Sales sheet: ${s(performance.now() - t0)}`);
}

function runChild(mode: string, file: string, rows: number, p: ExportPeriod) {
  const r = spawnSync(
    process.execPath,
    [
      import.meta.filename,
      '--child',
      mode,
      '--file',
      file,
      '--rows',
      String(rows),
      '--from',
      p.from,
      '--to',
      p.to,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    return {
      mode,
      failed: `exit ${r.status} ${r.signal ?? ''}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
    };
  return JSON.parse(line) as { mode: string; rows: number; ms: number; bytes: number; peakMiB: number };
}

const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

async function main() {
  // The search bench's generated cache (benchHome), large enough that its Sales and Payments sheets
  // come to about a million rows: about 58 % of its records are a POS sale or a payment counted once.
  const cacheRows = Number(values['cache-rows'] ?? 1_750_000);
  const baselineRows = Number(values['baseline-rows'] ?? 250_000);
  const src = reusableCache(cacheRows) ?? (await benchHome(cacheRows)).home;
  console.log(`cache: ${src}`);
  const home = join(tmpdir(), 'posrecon-export-bench', String(process.pid));
  try {
    // The work copy is migrated and given its groups in a child: that setup leaves hundreds of MB
    // in the process that did it, and the RSS measured below is the core's and the export's alone.
    const prep = spawnSync(process.execPath, [import.meta.filename, '--prepare', home, '--file', src], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (prep.status !== 0) throw new Error(`preparing the work copy failed (exit ${prep.status})`);
    process.stdout.write(prep.stdout);
    const core = await createCore({ home, actor: 'bench' });
    const db = core.store.db;
    const period = db
      .prepare(`SELECT min(business_date) AS "from", max(business_date) AS "to" FROM transactions`)
      .get() as ExportPeriod;
    const file = databaseFile(home);

    const info = async () => {
      const t = performance.now();
      const r = await core.dispatch('app:info', {});
      if (!r.ok) throw new Error('app:info failed');
      return performance.now() - t;
    };
    const idle: number[] = [];
    for (let i = 0; i < 40; i++) idle.push(await info());

    // The export through the service: its worker thread reads and writes; this thread keeps answering.
    const service = new ExportService({ db, databaseFile: file, actor: 'bench' });
    const out = join(home, 'bench.xlsx');
    const busy: number[] = [];
    let running = true;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = (async () => {
      while (running) {
        // Measured from when the request is due, so time spent waiting for the thread counts too.
        busy.push(await info());
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const load0 = loadavg()[0]!;
    const result = await service.run('bench', { period, format: 'xlsx', out });
    const wall = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    const load1 = loadavg()[0]!;
    running = false;
    await sampler;
    core.close();

    console.log(`period ${period.from} to ${period.to}`);
    console.log(
      `streamed export (worker thread): ${result.rows.toLocaleString('en-GB')} rows, ${(result.bytes / 2 ** 20).toFixed(0)} MiB, ${s(wall)} ` +
        `(${Math.round(result.rows / (wall / 1000)).toLocaleString('en-GB')} rows/s; target ≤ 45 s at 1M)`,
    );
    console.log(
      `  CPU of the process (both threads): ${s((cpu.user + cpu.system) / 1000)} (user ${s(cpu.user / 1000)}, system ${s(cpu.system / 1000)}); ` +
        `load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, on ${availableParallelism()} cores`,
    );
    console.log(
      `  peak RSS of the whole process while it ran: ${Math.round(rssPeak / 2 ** 20)} MiB (${Math.round(rssBefore / 2 ** 20)} MiB before; target ≤ 400 MiB); maxRSS ${mib()} MiB`,
    );
    console.log(
      `  app:info while it ran: p50 ${pct(busy, 0.5).toFixed(1)} ms, p95 ${pct(busy, 0.95).toFixed(1)} ms, max ${Math.max(...busy).toFixed(1)} ms over ${busy.length} requests ` +
        `(idle: p50 ${pct(idle, 0.5).toFixed(1)} ms, p95 ${pct(idle, 0.95).toFixed(1)} ms; target ≤ 100 ms p95)`,
    );

    // Same rows, same cache, each writer in a child of its own: streamed vs built in memory.
    const stream = runChild('stream', file, baselineRows, period);
    const memory = runChild('memory', file, baselineRows, period);
    for (const r of [stream, memory])
      console.log(
        'failed' in r
          ? `${r.mode}: did not finish (${r.failed})`
          : `${r.mode === 'stream' ? 'streamed, same thread' : 'baseline, whole sheet in memory'}: ${r.rows.toLocaleString('en-GB')} rows in ${s(r.ms)}, peak RSS ${r.peakMiB} MiB`,
      );
    if (!('failed' in stream) && !('failed' in memory))
      console.log(
        `  ratio at ${baselineRows.toLocaleString('en-GB')} rows: time ${(memory.ms / stream.ms).toFixed(2)}× the streamed writer's, peak RSS ${(memory.peakMiB / stream.peakMiB).toFixed(2)}×`,
      );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (values.prepare) await prepare(values.prepare, values.file!);
else if (values.child)
  await child(values.child as 'stream' | 'memory', values.file!, Number(values.rows), {
    from: values.from!,
    to: values.to!,
  });
else await main();
