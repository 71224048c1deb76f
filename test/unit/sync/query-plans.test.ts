import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/core/store/open-store.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

/** The sync's hot statements, each answered by a named index rather than a table scan. */
const HOT: [string, string, RegExp][] = [
  [
    'upsert lookup by key',
    'SELECT id, fingerprint FROM transactions WHERE provider = ? AND connection_id = ? AND external_id = ?',
    /SEARCH transactions USING INDEX sqlite_autoindex_transactions_1 \(provider=\? AND connection_id=\? AND external_id=\?\)/,
  ],
  [
    'quarantine release',
    'DELETE FROM quarantine WHERE connection_id = ? AND stream = ? AND record_key = ?',
    /SEARCH quarantine USING INDEX quarantine_by_record \(connection_id=\? AND stream=\? AND record_key=\?\)/,
  ],
  [
    'latest run of a connection',
    "SELECT * FROM sync_runs WHERE connection_id = ? AND status != 'running' ORDER BY id DESC LIMIT 1",
    /SEARCH sync_runs USING INDEX sync_runs_by_connection \(connection_id=\?\)/,
  ],
  [
    'transactions of a connection (counts, cascade delete)',
    'SELECT count(*) FROM transactions WHERE connection_id = ?',
    /SEARCH transactions USING COVERING INDEX transactions_by_connection \(connection_id=\?\)/,
  ],
  [
    'completeness of a connection',
    'SELECT stream, date, state FROM day_completeness WHERE connection_id = ? ORDER BY date DESC, stream',
    /SEARCH day_completeness USING PRIMARY KEY \(connection_id=\?\)/,
  ],
];

describe('sync query plans', () => {
  it.each(HOT)('%s uses its index', async (_name, query, plan) => {
    const store = await openStore(path.join(tempHome(), 'posrecon.sqlite'));
    const stmt = store.db.prepare(`EXPLAIN QUERY PLAN ${query}`);
    // The plan does not depend on the values; any binding will do.
    const rows = stmt.all(...Array<null>(query.split('?').length - 1).fill(null)) as { detail: string }[];
    expect(rows.map((r) => r.detail).join('\n')).toMatch(plan);
    store.close();
  });
});
