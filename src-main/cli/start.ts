import { spawn } from 'node:child_process';
import path from 'node:path';
import { resolveHome } from '../core/home.ts';
import { buildIsStale, findElectronBinary } from '../electron/electron-runtime.ts';
import { readHomeFlag } from '../electron/home-flag.ts';

/**
 * `npm start`: the desktop app when Electron's runtime is installed, otherwise browser mode. On our
 * machines and in CI the binary cannot be downloaded, so the fallback is the normal path there.
 */
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const ELECTRON_VITE = path.join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function startElectron(binary: string, home: string): Promise<number> {
  if (buildIsStale(PROJECT_ROOT)) {
    console.log('posrecon: building the app (first run or sources changed)…');
    // process.execPath, not a shell lookup, so the build runs on the pinned Node 24.
    const code = await run(process.execPath, [ELECTRON_VITE, 'build']);
    if (code !== 0) return code;
  }
  // Never let an inherited ELECTRON_RUN_AS_NODE turn the app into a bare Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  return run(binary, [PROJECT_ROOT, '--home', home], env);
}

async function startBrowserMode(home: string): Promise<void> {
  const { startServer } = await import('../server/serve.ts');
  const server = await startServer({ home, log: (line) => console.error(line) });
  console.log(`posrecon is running at ${server.url}`);
  console.log('Open that address in your browser. Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // A second Ctrl+C while closing means "now".
  process.once('SIGINT', () => process.exit(130));
  await server.close();
}

async function main(): Promise<void> {
  const home = resolveHome(readHomeFlag(process.argv.slice(2)));
  const electron = findElectronBinary(PROJECT_ROOT);
  if (electron) {
    process.exitCode = await startElectron(electron, home);
    return;
  }
  console.log("posrecon: Electron's runtime is not installed here, so starting browser mode instead.");
  await startBrowserMode(home);
}

main().catch((err: unknown) => {
  console.error(`posrecon: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
