import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface ServeProcess {
  url: string;
  port: number;
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface ServeProcessOptions {
  /** The whole environment of the server (and its core host), e.g. a private Secret Service's `env`. */
  env?: NodeJS.ProcessEnv;
}

/** Starts the real CLI, `posrecon serve --json`, as a separate process, the way a user would. */
export function startServeProcess(home: string, options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [path.resolve('src-main/cli/main.ts'), 'serve', '--home', home, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => reject(new Error(`posrecon serve ${why}\n${stderr}`));
    child.once('exit', (code) => fail(`exited early with code ${code}`));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      try {
        const { url, port } = JSON.parse(out) as { url: string; port: number };
        resolve({
          url,
          port,
          origin: `http://127.0.0.1:${port}`,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      } catch {
        // not a whole JSON document yet
      }
    });
  });
}
