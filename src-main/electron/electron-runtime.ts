import fs from 'node:fs';
import path from 'node:path';
import { BUILD_INPUTS, BUILD_OUTPUTS } from './build-layout.ts';

/**
 * Finds Electron's executable the way the `electron` package's index.js does, but without its side
 * effect: requiring that package when the binary is missing starts a download, which must never happen
 * here (the binary cannot be fetched on our machines or in CI).
 */
export function findElectronBinary(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const packageDir = path.join(projectRoot, 'node_modules', 'electron');
  let executable: string | undefined;
  try {
    executable = fs.readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    executable = undefined;
  }
  let binary: string | null = null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
  } else if (executable) {
    binary = path.join(packageDir, 'dist', executable);
  }
  return binary !== null && isFile(binary) ? binary : null;
}

/** True when an output is missing or any input (source, config) changed after the oldest output. */
export function buildIsStale(projectRoot: string): boolean {
  let oldestOutput = Infinity;
  for (const rel of BUILD_OUTPUTS) {
    const mtime = mtimeOf(path.join(projectRoot, rel));
    if (mtime === null) return true;
    oldestOutput = Math.min(oldestOutput, mtime);
  }
  return BUILD_INPUTS.some((rel) => newestMtime(path.join(projectRoot, rel)) > oldestOutput);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function mtimeOf(p: string): number | null {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return null;
  }
}

function newestMtime(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return -Infinity;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}
