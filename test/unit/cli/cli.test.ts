import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../src-main/core/core.ts';
import { SCHEMA_VERSION } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from './run-cli.ts';

const tempHome = useTempHome();

describe('posrecon CLI', () => {
  it('prints its version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: `${pkg.version}\n` });
  });

  it('exits 2 with usage on unknown commands, unknown flags, bad values and no command', async () => {
    for (const args of [
      ['frobnicate'],
      ['db', 'check', '--bogus'],
      ['serve', '--port', 'eighty'],
      [],
      ['db', 'wipe'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(/Usage: posrecon/);
    }
  });

  it('db check reports ok and the schema version, honouring --home and POSRECON_HOME', async () => {
    const home = tempHome();
    (await createCore({ home })).close();
    const r = await cli(['db', 'check', '--home', home, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      check: 'quick_check',
      schemaVersion: SCHEMA_VERSION,
      appSchemaVersion: SCHEMA_VERSION,
    });
    const viaEnv = await cli(['db', 'check', '--full'], { POSRECON_HOME: home });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.out).toMatch(/integrity_check ok/);
  });

  it('db check on a file that is not SQLite fails clearly and leaves it byte-for-byte unchanged', async () => {
    const home = tempHome();
    const file = path.join(home, 'posrecon.sqlite');
    writeFileSync(file, Buffer.from('PK\u0003\u0004 this is a zip, not a database'.repeat(100)));
    const before = createHash('sha256').update(readFileSync(file)).digest('hex');
    const r = await cli(['--home', home, 'db', 'check']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file} is not an SQLite database`);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before);
    const asJson = await cli(['db', 'check', '--home', home, '--json']);
    expect(JSON.parse(asJson.out)).toMatchObject({ ok: false, error: { code: 'DB_NOT_SQLITE' } });
  });

  it('db check without a database says how to get one', async () => {
    const r = await cli(['db', 'check', '--home', tempHome()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No cache at .*`posrecon demo`/);
  });
});
