import type { Migration } from './migration.ts';
import { migration0001 } from './0001-initial.ts';
import { migration0002 } from './0002-sync.ts';
import { migration0003 } from './0003-search.ts';
import { migration0004 } from './0004-search-documents.ts';
import { migration0005 } from './0005-reconcile.ts';
import { migration0006 } from './0006-search-views.ts';
import { migration0007 } from './0007-dashboard.ts';
import { migration0008 } from './0008-exports.ts';
import { migration0009 } from './0009-quarantine-review.ts';
import { migration0010 } from './0010-period-close.ts';
import { migration0011 } from './0011-fee-charges.ts';
import { migration0012 } from './0012-dashboard-rollups.ts';
import { migration0013 } from './0013-recon-offsets.ts';
import { migration0014 } from './0014-dashboard-quarter-months.ts';
import { migration0015 } from './0015-dashboard-months.ts';
import { migration0016 } from './0016-recon-group-rollup-index.ts';
import { migration0017 } from './0017-recon-tgi-capture-indexes.ts';
import { migration0018 } from './0018-recon-dirty-records.ts';
import { migration0019 } from './0019-recon-view-writer.ts';
import { migration0020 } from './0020-recon-dirty-ledger-days.ts';
import { migration0021 } from './0021-recon-fee-ledger-days.ts';
import { migration0022 } from './0022-recon-vipps-ledger-index.ts';
import { migration0023 } from './0023-recon-discrepancies-by-group.ts';
import { migration0024 } from './0024-recon-dirty-refund-groups.ts';
import { migration0025 } from './0025-recon-pending.ts';
import { migration0026 } from './0026-recon-dirty-tgi-candidates.ts';
import { migration0027 } from './0027-recon-unfinished-days.ts';
import { migration0028 } from './0028-recon-removed-days.ts';
import { migration0029 } from './0029-recon-groups-by-day-dropped.ts';
import { migration0030 } from './0030-sync-reread.ts';

/** Every migration in order. Append only: a shipped migration is never edited or removed. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
  migration0018,
  migration0019,
  migration0020,
  migration0021,
  migration0022,
  migration0023,
  migration0024,
  migration0025,
  migration0026,
  migration0027,
  migration0028,
  migration0029,
  migration0030,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
