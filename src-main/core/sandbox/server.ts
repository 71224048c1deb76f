import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultResponse, malformRecord, oversizePage, truncateBody } from './faults/apply-fault.ts';
import { HOSTILE_PAGING } from './faults/fault-config.ts';
import type { Emulator, EmulatorContext, EmuRequest, EmuResponse, ProviderId } from './emulators/types.ts';

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: EmuResponse, mangle?: (body: string) => string): void {
  let body = r.raw ?? (r.json === undefined ? '' : JSON.stringify(r.json));
  if (mangle) body = mangle(body);
  const type = r.contentType ?? 'application/json';
  res.writeHead(r.status, {
    'Content-Type': type.includes('charset') ? type : `${type}; charset=utf-8`,
    ...r.headers,
  });
  res.end(body);
}

export interface SandboxServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * One HTTP server on 127.0.0.1; each provider lives under its own prefix (`/vipps/...`). Faults are
 * decided per provider + endpoint before the emulator runs, and body faults are applied after.
 */
export async function startServer(
  emulators: readonly Emulator[],
  ctx: EmulatorContext,
  port: number,
): Promise<SandboxServer> {
  const byPrefix = new Map<string, Emulator>(emulators.map((e) => [e.provider, e]));
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const [, prefix = '', ...rest] = url.pathname.split('/');
    const emulator = byPrefix.get(prefix as ProviderId);
    if (!emulator) {
      send(res, { status: 404, json: { error: 'NOT_FOUND', message: `no provider at /${prefix}` } });
      return;
    }
    const path = `/${rest.join('/')}`;
    const body = await readBody(req);
    const emuReq: EmuRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    let match: RegExpExecArray | null = null;
    const route = emulator.routes.find(
      (r) => r.method === emuReq.method && (match = r.pattern.exec(path)) !== null,
    );
    if (!route || !match) {
      send(res, emulator.error(404, undefined, `No route for ${emuReq.method} ${path}`));
      return;
    }
    const decision = ctx.faults.next(emulator.provider, route.endpoint, route.auth ?? false);
    const rule = decision?.rule;
    if (rule?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (rule?.kind === 'stall') await sleep((rule.stallMs ?? 30_000) / ctx.speedUp);
    if (rule?.kind === 'mutate') ctx.world.randomChange(decision?.ordinal ?? 0);
    const replaced = rule ? faultResponse(rule, emulator, ctx.now()) : null;
    if (replaced) {
      send(res, replaced);
      return;
    }
    if (rule && decision && HOSTILE_PAGING.includes(rule.kind))
      emuReq.hostile = { kind: rule.kind, ordinal: decision.ordinal };
    const result = await route.handle(emuReq, match);
    if (rule?.kind === 'truncate') send(res, result, truncateBody);
    else if (
      rule?.kind === 'page-oversize' &&
      result.recordsKey &&
      result.pageLimit &&
      result.status === 200
    ) {
      const [key, limit] = [result.recordsKey, result.pageLimit];
      send(res, result, (b) => oversizePage(b, key, limit));
    } else if (rule?.kind === 'malformed-record' && result.recordsKey && result.status === 200) {
      const key = result.recordsKey;
      send(res, result, (b) => malformRecord(b, key));
    } else send(res, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else send(res, { status: 500, json: { error: 'SANDBOX_BUG', message: String(err) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
