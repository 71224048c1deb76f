import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A fresh data directory per call, all removed after the file's tests: tests use real SQLite files, never :memory:. */
export function useTempHome(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'posrecon-test-'));
    dirs.push(dir);
    return dir;
  };
}
