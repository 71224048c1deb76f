import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../../electron.vite.config.ts';
import { RENDERER_OUT, RENDERER_ROOT } from '../../../src-main/server/renderer-vite-config.ts';

const root = path.resolve(import.meta.dirname, '../../..');
type Built = {
  outDir: string;
  externalizeDeps: unknown;
  rollupOptions: { input: Record<string, string>; output?: Record<string, unknown> };
};
const userConfig = config as unknown as {
  main: { build: Built };
  preload: { build: Built };
  renderer: { root: string; build: { outDir: string } };
};

describe('electron.vite.config.ts', () => {
  it('builds main, the core host and its three workers (totals, export, world generator) as main-process entries', () => {
    const { input } = userConfig.main.build.rollupOptions;
    expect(input).toEqual({
      main: path.join(root, 'src-main/electron/main.ts'),
      'core-host': path.join(root, 'src-main/core/host/host-entry.ts'),
      'totals-worker': path.join(root, 'src-main/core/search/totals-worker.ts'),
      'export-worker': path.join(root, 'src-main/core/export/export-worker.ts'),
      'generate-worker': path.join(root, 'src-main/core/sandbox/world/generate-worker.ts'),
    });
    expect(userConfig.main.build.outDir).toBe(path.join(root, 'out/main'));
    expect(userConfig.main.build.externalizeDeps).toBe(true);
  });

  it('bundles the preload into one CommonJS file with nothing external but electron', () => {
    const { build } = userConfig.preload;
    expect(build.rollupOptions.input).toEqual({ preload: path.join(root, 'src-main/electron/preload.ts') });
    expect(build.rollupOptions.output).toMatchObject({
      format: 'cjs',
      entryFileNames: 'preload.cjs',
      codeSplitting: false,
    });
    expect(build.externalizeDeps).toBe(false);
  });

  it('uses the shared renderer config', () => {
    expect(userConfig.renderer.root).toBe(RENDERER_ROOT);
    expect(userConfig.renderer.build.outDir).toBe(RENDERER_OUT);
  });
});

describe('electron imports', () => {
  const shellDir = path.join(root, 'src-main/electron');
  const importsElectron = (file: string) =>
    /from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/.test(
      fs.readFileSync(file, 'utf8'),
    );

  it('only main.ts and preload.ts import electron; the rest of the shell is pure', () => {
    const importers = fs
      .readdirSync(shellDir)
      .filter((f) => f.endsWith('.ts') && importsElectron(path.join(shellDir, f)))
      .sort();
    expect(importers).toEqual(['main.ts', 'preload.ts']);
  });

  it('the preload pulls in no zod (sandboxed preloads cannot require npm modules)', () => {
    // Type-only imports of the contract are erased; a value import would drag zod into the bundle.
    const valueImport = /^import (?!type )[^;]*from '(zod|[^']*contract\.ts)'/m;
    for (const f of [
      'preload.ts',
      'preload-bridge.ts',
      '../core/api/bridge.ts',
      '../core/api/operation-names.ts',
    ]) {
      expect(fs.readFileSync(path.join(shellDir, f), 'utf8'), f).not.toMatch(valueImport);
    }
  });

  it('no test here imports electron', () => {
    for (const f of fs.readdirSync(import.meta.dirname)) {
      expect(importsElectron(path.join(import.meta.dirname, f)), f).toBe(false);
    }
  });
});
