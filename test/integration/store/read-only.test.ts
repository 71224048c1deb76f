import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();
const NOBODY = 65534;

/** Root may write anything, so the CLI runs as `nobody` to meet a read-only file or folder for real. */
function asNobody(args: string[]): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, [path.resolve('src-main/cli/main.ts'), ...args], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
  });
  return { code: r.status, err: r.stderr };
}

async function cacheIn(dirMode: number, fileMode: number): Promise<{ home: string; file: string }> {
  const home = tempHome();
  const file = path.join(home, 'posrecon.sqlite');
  (await openStore(file)).close();
  chmodSync(file, fileMode);
  chmodSync(home, dirMode);
  return { home, file };
}

describe.runIf(process.getuid?.() === 0)('a cache posrecon may not write', () => {
  it('a read-only file: sync names the file and its mode instead of "attempt to write a readonly database"', async () => {
    const { home, file } = await cacheIn(0o777, 0o444);
    const r = asNobody(['sync', '--home', home]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`posrecon cannot write to ${file}: the file is read-only (mode 444)`);
    expect(r.err).not.toMatch(/attempt to write|\n\s+at /);
  });

  it('a read-only folder: db check says why it cannot read, and sync why it cannot write', async () => {
    const { home } = await cacheIn(0o755, 0o644);
    const check = asNobody(['db', 'check', '--home', home]);
    expect(check.code).toBe(1);
    expect(check.err).toMatch(new RegExp(`its folder ${home} is read-only \\(mode 755\\).*-shm`));
    const sync = asNobody(['sync', '--home', home]);
    expect(sync.err).toMatch(/cannot write to .*: the (file|folder)( \S+)? is read-only/);
    expect(`${check.err}${sync.err}`).not.toMatch(/unable to open database file/);
  });
});
