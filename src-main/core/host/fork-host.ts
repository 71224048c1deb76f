import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HostClient } from './host-client.ts';
import { HOST_EXEC_ARGV } from './host-heap.ts';
import type { FromHost } from './host-protocol.ts';

const HOST_ENTRY = fileURLToPath(new URL('./host-entry.ts', import.meta.url));

export interface ForkHostOptions {
  /** Another build of the host entry (tests run the app bundle's out/main/core-host.js). */
  entry?: string;
  /** Receives the host's stderr instead of this process's stderr. */
  onStderr?: (text: string) => void;
}

/** Starts the core host as a Node child process (browser mode and tests) and waits until it is ready. */
export async function forkHost(
  home: string,
  actor = 'ui',
  options: ForkHostOptions = {},
): Promise<HostClient> {
  const { onStderr } = options;
  const child = fork(options.entry ?? HOST_ENTRY, [home, actor], {
    // This process's own flags (fork's default) and the host's heap cap after them: the last one counts.
    execArgv: [...process.execArgv, ...HOST_EXEC_ARGV],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', onStderr ? 'pipe' : 'inherit', 'ipc'],
  });
  if (onStderr) child.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString('utf8')));
  const client = new HostClient({
    post: (m) => child.send(m),
    onMessage: (l) => child.on('message', (m) => l(m as FromHost)),
    onExit: (l) => child.once('exit', (code) => l(code)),
    kill: () => child.kill('SIGKILL'),
    pid: child.pid,
  });
  await client.ready;
  return client;
}
