import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiResult } from '../core/api/contract.ts';
import { MAX_INPUT_BYTES, checkJsonText } from '../core/api/input-limits.ts';
import { forkHost } from '../core/host/fork-host.ts';
import { HostSupervisor } from '../core/host/host-supervisor.ts';
import { CONTENT_SECURITY_POLICY } from '../core/security/csp.ts';
import { ensureRendererBuilt } from './ensure-renderer.ts';
import { checkRequest, tokenCookie } from './request-guard.ts';
import { contentDisposition, exportDownloadId, lookUpExport } from '../core/export/export-download.ts';
import { contentTypeFor } from '../core/security/renderer-files.ts';
import { resolveStaticPath } from './static-files.ts';

export interface ServerOptions {
  home: string;
  port?: number;
  log?: (line: string) => void;
  /** A prebuilt UI to serve instead of building `src-renderer` (tests of the transport use a fixture). */
  rendererDir?: string;
  /** Backoff before restarting a core host that died (tests shorten it). */
  restartDelayMs?: (attempt: number) => number;
}

export interface RunningServer {
  /** The URL to open, carrying the token once. */
  url: string;
  port: number;
  token: string;
  /** The core host behind the API, restarted when it dies. */
  host: HostSupervisor;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Record<string, number> = {
  BAD_INPUT: 400,
  BAD_JSON: 400,
  INPUT_TOO_DEEP: 400,
  INPUT_TOO_LARGE: 413,
  UNKNOWN_OPERATION: 404,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  HOST_EXITED: 503,
  HOST_RESTARTING: 503,
};

/** On every response we make, page or API: the same CSP as the Electron window. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': CONTENT_SECURITY_POLICY,
};

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function sendResult(res: ServerResponse, result: ApiResult<unknown>): void {
  const status = result.ok ? 200 : (STATUS_BY_CODE[result.error.code] ?? 422);
  send(res, status, JSON.stringify(result), 'application/json; charset=utf-8');
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | ApiResult<never>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) {
      return { ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' } };
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  const problem = checkJsonText(text);
  if (problem) return { ok: false, error: problem };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: { code: 'BAD_JSON', message: 'The request body is not valid JSON.' } };
  }
}

function openEventStream(res: ServerResponse, host: HostSupervisor, streams: Set<ServerResponse>): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    ...SECURITY_HEADERS,
  });
  res.write(': connected\n\n');
  streams.add(res);
  const unsubscribe = host.onEvent((name, payload) => {
    res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  res.on('close', () => {
    unsubscribe();
    streams.delete(res);
  });
}

/** A finished export as a download; the token check above has already passed. */
function sendExport(res: ServerResponse, host: HostSupervisor, id: number): void {
  lookUpExport((op, input) => host.call(op, input), id)
    .then((found) => {
      if (!found.ok) {
        send(res, found.status, `posrecon: ${found.message}\n`, 'text/plain; charset=utf-8');
        return;
      }
      const { file, fileName, contentType } = found.value;
      const stream = createReadStream(file);
      stream.on('error', () => {
        if (!res.headersSent) send(res, 404, 'posrecon: the export file is gone.\n', 'text/plain');
        else res.destroy();
      });
      stream.once('open', () => {
        res.writeHead(200, {
          'content-type': contentType,
          'content-disposition': contentDisposition(fileName),
          'cache-control': 'no-store',
          ...SECURITY_HEADERS,
        });
        stream.pipe(res);
      });
    })
    .catch(() => res.destroy());
}

/**
 * Browser mode: the built renderer and the API contract over loopback HTTP, with the core running in
 * a child process so a long operation never stalls this thread.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const rendererRoot = options.rendererDir ?? (await ensureRendererBuilt(log));
  const host = await HostSupervisor.start({
    start: () => forkHost(options.home, 'ui'),
    delayMs: options.restartDelayMs,
    onLog: log,
  });
  const token = randomBytes(32).toString('base64url');
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((req, res) => {
    const verdict = checkRequest(req, port, token);
    if (verdict.ok === 'set-cookie') {
      res.writeHead(303, {
        location: verdict.location,
        'set-cookie': tokenCookie(port, token),
        'cache-control': 'no-store',
        ...SECURITY_HEADERS,
      });
      res.end();
      return;
    }
    if (!verdict.ok) {
      send(res, verdict.status, `posrecon: ${verdict.reason}\n`, 'text/plain; charset=utf-8');
      return;
    }
    // Route on the path exactly as sent: URL parsing would read `//host/x` as another host.
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const call = /^\/api\/call\/([a-z]+:[a-z-]+)$/i.exec(pathname);
    if (call && req.method === 'POST') {
      readJson(req)
        .then(async (body) => {
          sendResult(res, body.ok ? await host.call(call[1] ?? '', body.value) : body);
        })
        // A client that hangs up mid-body (or any other failure here) ends this request, not the server.
        .catch(() => res.destroy());
      return;
    }
    if (pathname === '/api/events' && req.method === 'GET') {
      openEventStream(res, host, streams);
      return;
    }
    const exportId = exportDownloadId(pathname);
    if (exportId !== null && req.method === 'GET') {
      sendExport(res, host, exportId);
      return;
    }
    if (pathname.startsWith('/api/')) {
      send(
        res,
        404,
        JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'No such endpoint.' } }),
        'application/json',
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method not allowed\n', 'text/plain; charset=utf-8');
      return;
    }
    const file = resolveStaticPath(rendererRoot, pathname);
    if (!file) {
      send(res, 404, 'Not found\n', 'text/plain; charset=utf-8');
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(file),
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') res.end();
    else
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch(async (err: unknown) => {
    await host.shutdown();
    throw err;
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    host,
    close: async () => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.shutdown();
    },
  };
}
