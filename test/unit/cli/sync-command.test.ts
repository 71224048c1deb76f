import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src-main/cli/commands/sync.ts';
import type { SyncReport } from '../../../src-main/core/api/schemas.ts';
import { useTempHome } from '../../support/temp-home.ts';
import { cli } from './run-cli.ts';

const tempHome = useTempHome();

const report = (status: SyncReport['status']): SyncReport => ({
  connectionId: 'c',
  connectionName: 'C',
  provider: 'tgi',
  status,
  pages: 0,
  records: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  quarantined: 0,
  changes: 0,
  quarantinedTotal: 0,
  error: null,
  startedAt: '',
  finishedAt: '',
});

describe('posrecon sync: arguments and exit codes', () => {
  it('exits 2 on a bad --since, before touching the cache', async () => {
    for (const since of ['2024-02-30', 'yesterday', '2024-3-1']) {
      const r = await cli(['sync', '--home', tempHome(), '--since', since]);
      expect(r.code, since).toBe(2);
      expect(r.err).toMatch(/must be a calendar date written YYYY-MM-DD/);
    }
  });

  it('exits 2 for --connection with --all, and for an unknown connection name', async () => {
    const home = tempHome();
    expect((await cli(['sync', '--home', home, '--all', '--connection', 'X'])).code).toBe(2);
    const r = await cli(['sync', '--home', home, '--connection', 'Nope', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('exits 1 with a hint when there is nothing to sync', async () => {
    const r = await cli(['sync', '--home', tempHome()]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no connections to sync. Try `posrecon demo`/);
  });

  it('maps reports to 0 ok, 3 partial, 1 failed or cancelled', () => {
    expect(exitCodeFor([report('ok'), report('ok')])).toBe(0);
    expect(exitCodeFor([report('ok'), report('partial')])).toBe(3);
    expect(exitCodeFor([report('partial'), report('failed')])).toBe(1);
    expect(exitCodeFor([report('cancelled')])).toBe(1);
  });

  it('demo and sandbox reject bad numbers as usage errors', async () => {
    expect((await cli(['demo', '--days', '0', '--home', tempHome()])).code).toBe(2);
    expect((await cli(['sandbox', '--seed', 'x'])).code).toBe(2);
  });
});
