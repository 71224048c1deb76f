import { createCore } from '../core.ts';
import { StoreError } from '../store/store-error.ts';
import type { FromHost, ToHost } from './host-protocol.ts';

/**
 * Entry point of the core host process. It runs under a Node child process (browser mode) or an
 * Electron utilityProcess; both hand messages over structured clone, only the port API differs.
 */
interface ParentPort {
  postMessage(message: FromHost): void;
  on(event: 'message', listener: (e: { data: ToHost }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const send = (message: FromHost): void => {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
};
const onMessage = (listener: (message: ToHost) => void): void => {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else process.on('message', (m) => listener(m as ToHost));
};

async function main(): Promise<void> {
  const home = process.argv[2];
  if (!home) throw new Error('core host: missing home directory argument');
  let core;
  try {
    core = await createCore({
      home,
      actor: process.argv[3] ?? 'ui',
      onInternalError: (op, err) => console.error(`[core] ${op} failed:`, err),
    });
  } catch (err) {
    const error =
      err instanceof StoreError
        ? { code: err.code, message: err.message, details: { file: err.file } }
        : { code: 'HOST_START_FAILED', message: (err as Error).message };
    send({ type: 'fatal', error });
    process.exitCode = 1;
    return;
  }
  core.events.subscribe((name, payload) => send({ type: 'event', name, payload }));
  onMessage((msg) => {
    if (msg.type === 'shutdown') {
      core.close();
      process.exit(0);
    }
    void core
      .dispatch(msg.operation, msg.input)
      .then((result) => send({ type: 'result', id: msg.id, result }));
  });
  send({ type: 'ready', home });
}

void main();
