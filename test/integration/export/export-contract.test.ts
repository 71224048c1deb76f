import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../src-main/core/core.ts';
import { exportsDir } from '../../../src-main/core/export/export-api.ts';
import { type RunningServer, startServer } from '../../../src-main/server/serve.ts';
import { type DemoWorld, syncDemoWorld } from '../../support/reconcile-world.ts';
import { useTempHome } from '../../support/temp-home.ts';

/*
 * The export operations of the contract on a real demo cache: the workbook is written by the worker
 * thread, progress arrives as events, the log lists it, and browser mode hands it out only by id.
 */
const sha = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');
type Entry = { id: number; fileName: string; sha256: string; rows: number; available: boolean };

describe('export:* through the contract', () => {
  let w: DemoWorld;
  let core: Core;
  let period: { from: string; to: string };
  const progress: { jobId: string; sheet: string; rows: number }[] = [];

  beforeAll(async () => {
    w = await syncDemoWorld(11, 8, 20);
    const db = new Database(w.dbFile, { readonly: true });
    period = db
      .prepare(`SELECT min(anchor_date) AS "from", max(anchor_date) AS "to" FROM recon_groups`)
      .get() as typeof period;
    db.close();
    core = await createCore({ home: w.home });
    core.events.subscribe((name, payload) => {
      if (name === 'export:progress') progress.push(payload as (typeof progress)[number]);
    });
  }, 180_000);
  afterAll(() => core?.close());

  const call = async (op: string, input: unknown) => core.dispatch(op, input);

  it('writes the workbook into the exports folder, reports progress and logs it with its hash', async () => {
    const r = await call('export:xlsx', { ...period, jobId: 'first' });
    expect(r.ok).toBe(true);
    const e = (r as { value: Entry }).value;
    expect(e.available).toBe(true);
    expect(e.rows).toBeGreaterThan(50);
    const file = path.join(exportsDir(w.home), e.fileName);
    expect(sha(readFileSync(file))).toBe(e.sha256);
    expect(progress.filter((p) => p.jobId === 'first').at(-1)).toMatchObject({ sheet: 'done', rows: e.rows });

    const list = await call('export:list', {});
    expect((list as { value: { exports: Entry[] } }).value.exports[0]).toMatchObject({ id: e.id });
    const where = await call('export:file', { id: e.id });
    expect(where).toMatchObject({ ok: true, value: { file, fileName: e.fileName } });
  }, 120_000);

  it('writes one sheet as CSV with the locale asked for', async () => {
    const r = await call('export:csv', { ...period, sheet: 'sales', locale: 'nb-NO' });
    const e = (r as { value: Entry }).value;
    const text = readFileSync(path.join(exportsDir(w.home), e.fileName), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\n')[0]).toContain(';');
  }, 120_000);

  it('refuses a bad period in plain words, and an unknown export', async () => {
    const bad = await call('export:xlsx', { from: '2026-03-31', to: '2026-03-01' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect((bad as { error: { message: string } }).error.message).toMatch(/ends .* before it starts/);
    const gone = await call('export:file', { id: 999_999 });
    expect(gone).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('cancel stops the run, leaves no file behind and logs nothing', async () => {
    const before = readdirSync(exportsDir(w.home)).length;
    const logged = ((await call('export:list', {})) as { value: { exports: Entry[] } }).value.exports.length;
    const running = call('export:xlsx', { ...period, jobId: 'stop-me' });
    expect(await call('export:cancel', { jobId: 'stop-me' })).toEqual({ ok: true, value: { cancelled: 1 } });
    expect(await running).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(readdirSync(exportsDir(w.home))).toHaveLength(before);
    const after = ((await call('export:list', {})) as { value: { exports: Entry[] } }).value.exports;
    expect(after).toHaveLength(logged);
  }, 120_000);

  it('a log entry whose file name was tampered with is never served', async () => {
    const db = new Database(w.dbFile);
    const id = Number(
      db
        .prepare(
          `INSERT INTO export_log (at, actor, period_from, period_to, format, options, file_name, bytes, rows, sha256)
           VALUES ('2026-01-01T00:00:00Z', 'x', '2026-01-01', '2026-01-31', 'xlsx', '{}', '../posrecon.sqlite', 1, 1, 'x')`,
        )
        .run().lastInsertRowid,
    );
    db.close();
    expect(await call('export:file', { id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

function get(port: number, urlPath: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: urlPath, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('browser mode: a finished export as a download', () => {
  const tempHome = useTempHome();
  let server: RunningServer;
  let home: string;

  beforeAll(async () => {
    home = tempHome();
    const ui = tempHome();
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><body></body>');
    server = await startServer({ home, rendererDir: ui });
  }, 60_000);
  afterAll(async () => server?.close());

  it('serves it by id with the token, as an attachment, and nothing else', async () => {
    const auth = { 'x-posrecon-token': server.token };
    const r = await server.host.call('export:xlsx', { from: '2026-01-01', to: '2026-01-31' });
    expect(r.ok).toBe(true);
    const e = (r as { value: Entry }).value;

    const res = await get(server.port, `/api/exports/${e.id}/download`, auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename="${e.fileName}"`);
    expect(sha(res.body)).toBe(e.sha256);

    expect((await get(server.port, `/api/exports/${e.id}/download`)).status).toBe(401);
    expect((await get(server.port, '/api/exports/424242/download', auth)).status).toBe(404);
    expect((await get(server.port, '/api/exports/..%2Fposrecon.sqlite/download', auth)).status).toBe(404);

    // Once its file is gone, the entry is listed as unavailable and the route says so.
    rmSync(path.join(exportsDir(home), e.fileName));
    expect((await get(server.port, `/api/exports/${e.id}/download`, auth)).status).toBe(404);
  }, 60_000);
});
