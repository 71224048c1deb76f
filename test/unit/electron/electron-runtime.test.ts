import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILD_OUTPUTS } from '../../../src-main/electron/build-layout.ts';
import { buildIsStale, findElectronBinary } from '../../../src-main/electron/electron-runtime.ts';
import { readHomeFlag } from '../../../src-main/electron/home-flag.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posrecon-electron-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text = '', mtime?: Date) => {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  if (mtime) fs.utimesSync(p, mtime, mtime);
};

describe('findElectronBinary', () => {
  it('is null when the package has no binary (as on our machines), without downloading', () => {
    write('node_modules/electron/index.js', 'throw new Error("must not be required")');
    expect(findElectronBinary(dir, {})).toBeNull();
    write('node_modules/electron/path.txt', 'electron');
    expect(findElectronBinary(dir, {})).toBeNull();
  });

  it('finds dist/<path.txt> when it exists', () => {
    write('node_modules/electron/path.txt', 'electron');
    write('node_modules/electron/dist/electron', '#!bin');
    expect(findElectronBinary(dir, {})).toBe(path.join(dir, 'node_modules/electron/dist/electron'));
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    write('custom/electron', '#!bin');
    expect(findElectronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'custom') })).toBe(
      path.join(dir, 'custom/electron'),
    );
  });

  it('answers for this checkout without throwing', () => {
    const found = findElectronBinary(process.cwd(), {});
    expect(found === null || fs.existsSync(found)).toBe(true);
  });
});

describe('buildIsStale', () => {
  const old = new Date('2025-01-01T00:00:00Z');
  const newer = new Date('2025-06-01T00:00:00Z');

  it('is stale when an output is missing', () => {
    write('src-main/a.ts', '', old);
    expect(buildIsStale(dir)).toBe(true);
  });

  it('is fresh when all outputs are newer than every input, stale once a source changes', () => {
    write('src-main/electron/main.ts', '', old);
    write('src-renderer/index.html', '', old);
    write('package.json', '{}', old);
    for (const out of BUILD_OUTPUTS) write(out, '', newer);
    // Directory mtimes count too, so pin them.
    for (const d of ['src-main', 'src-main/electron', 'src-renderer'])
      fs.utimesSync(path.join(dir, d), old, old);
    expect(buildIsStale(dir)).toBe(false);
    write('src-main/electron/main.ts', '// edit', new Date('2025-07-01T00:00:00Z'));
    expect(buildIsStale(dir)).toBe(true);
  });
});

describe('readHomeFlag', () => {
  it.each([
    [['--home', '/data'], '/data'],
    [['electron', '.', '--home=/data'], '/data'],
    [['--no-sandbox', '--home', 'rel/dir', '--inspect'], 'rel/dir'],
    [['--home'], undefined],
    [['--home', '--other'], undefined],
    [['--home='], undefined],
    [['--homeX', 'a'], undefined],
    [[], undefined],
  ])('%j -> %s', (argv, expected) => {
    expect(readHomeFlag(argv)).toBe(expected);
  });
});
