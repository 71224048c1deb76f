import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HostClient } from './host-client.ts';
import type { FromHost } from './host-protocol.ts';

const HOST_ENTRY = fileURLToPath(new URL('./host-entry.ts', import.meta.url));

/** Starts the core host as a Node child process (browser mode and tests) and waits until it is ready. */
export async function forkHost(home: string, actor = 'ui'): Promise<HostClient> {
  const child = fork(HOST_ENTRY, [home, actor], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const client = new HostClient({
    post: (m) => child.send(m),
    onMessage: (l) => child.on('message', (m) => l(m as FromHost)),
    onExit: (l) => child.once('exit', (code) => l(code)),
    kill: () => child.kill('SIGKILL'),
  });
  await client.ready;
  return client;
}
