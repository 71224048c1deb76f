import { startServer } from '../../server/serve.ts';
import { type CliIo, EXIT, printJson, printLine } from '../output.ts';

/** `posrecon serve`: browser mode until SIGINT/SIGTERM or the signal aborts. */
export async function runServe(
  home: string,
  opts: { port?: number; json: boolean },
  io: CliIo & { signal: AbortSignal },
): Promise<number> {
  const server = await startServer({ home, port: opts.port, log: (l) => io.stderr.write(`${l}\n`) });
  if (opts.json) printJson(io, { url: server.url, port: server.port, home });
  else {
    printLine(io, `posrecon is serving ${home}`);
    printLine(io, `Open: ${server.url}`);
    printLine(io, 'Press Ctrl+C to stop.');
  }
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return EXIT.OK;
}
