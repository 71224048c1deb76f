import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AppError } from '../../core/model/app-error.ts';
import { databaseFile } from '../../core/home.ts';
import { SCHEMA_VERSION, openStore } from '../../core/store/open-store.ts';
import { createMcpServer } from '../mcp/mcp-server.ts';
import { EXIT } from '../output.ts';

export interface McpIo {
  stdin: Readable;
  stdout: Writable;
  signal: AbortSignal;
}

/**
 * `posrecon mcp`: a Model Context Protocol server on stdin/stdout until the client hangs up. The
 * cache is opened read-only (SQLite itself refuses every write) and never migrated, so an agent can
 * run beside the app or a nightly sync without changing a byte; stdout carries protocol messages only.
 */
export async function runMcp(home: string, io: McpIo): Promise<number> {
  const file = databaseFile(home);
  if (!existsSync(file))
    throw new AppError(
      'NO_CACHE',
      `There is no posrecon cache in ${home} yet. Sync it first (posrecon sync, or posrecon demo for the demo shop), or point --home at the app's data folder.`,
    );
  const store = await openStore(file, { readonly: true });
  try {
    const version = Number(store.db.pragma('user_version', { simple: true }));
    if (version !== SCHEMA_VERSION)
      throw new AppError(
        'DB_SCHEMA',
        `The cache in ${home} is at schema ${version}; this posrecon reads schema ${SCHEMA_VERSION}. Run any other posrecon command on it once (it upgrades the cache), then start the MCP server again.`,
      );
    // A sync may be writing: wait for its lock instead of failing a read at once.
    store.db.pragma('busy_timeout = 5000');
    const server = createMcpServer(store.db, store.file);
    const transport = new StdioServerTransport(io.stdin, io.stdout);
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      io.stdin.once('end', () => resolve());
      io.stdin.once('close', () => resolve());
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.connect(transport);
    await closed;
    await server.close();
    return EXIT.OK;
  } finally {
    store.close();
  }
}
