import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule in eslint.config.js (docs/architecture.md, "Modules and what each may import"),
 * run by ESLint itself on small files placed in each module: each forbidden import is reported, each
 * allowed one is not. A plugin upgrade or a config edit that quietly stops the check fails here.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.startsWith('boundaries/') || m.ruleId?.endsWith('no-restricted-imports'))
    .map((m) => m.message);
}

describe('the layering lint', () => {
  it('lets the store import only the store and the model', async () => {
    const errors = await layeringErrors(
      'src-main/core/store/queries/probe.ts',
      [
        "import type { Money } from '../../model/money.ts';",
        "import { sql } from '../sql.ts';",
        "import type { Settings } from '../../api/schemas.ts';",
        "export type { DayCompleteness } from '../../providers/connector.ts';",
        "export const later = () => import('../../sync/engine.ts');",
        'export type X = [Money, typeof sql, Settings];',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^Layering: store may not import src-main\/core\/api\b/),
      expect.stringMatching(/^Layering: store may not import src-main\/core\/providers\b/),
      expect.stringMatching(/^Layering: store may not import src-main\/core\/sync\b/),
    ]);
  }, 60_000);

  it('lets providers import only providers and the model', async () => {
    const errors = await layeringErrors(
      'src-main/core/providers/tgi/probe.ts',
      [
        "import type { Money } from '../../model/money.ts';",
        "import type { ProviderHttp } from '../shared/provider-http.ts';",
        "import type { SyncService } from '../../sync/sync-service.ts';",
        "import type { Store } from '../../store/open-store.ts';",
        'export type X = [Money, ProviderHttp, SyncService, Store];',
      ].join('\n'),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^Layering: providers may not import src-main\/core\/sync\b/),
      expect.stringMatching(/^Layering: providers may not import src-main\/core\/store\b/),
    ]);
  }, 60_000);

  it('keeps the model free of our code, the sandbox on its own and the core out of the shells', async () => {
    const model = await layeringErrors(
      'src-main/core/model/probe.ts',
      "import { APP_VERSION } from '../version.ts';\nexport const v = APP_VERSION;",
    );
    expect(model).toEqual([expect.stringMatching(/^Layering: model may not import src-main\/core\b/)]);
    const sandbox = await layeringErrors(
      'src-main/core/sandbox/probe.ts',
      "import type { Money } from '../model/money.ts';\nexport type X = Money;",
    );
    expect(sandbox).toEqual([
      expect.stringMatching(/^Layering: sandbox may not import src-main\/core\/model\b/),
    ]);
    const core = await layeringErrors(
      'src-main/core/sync/probe.ts',
      "import type { CliIo } from '../../cli/output.ts';\nexport type X = CliIo;",
    );
    expect(core).toEqual([expect.stringMatching(/^Layering: core may not import src-main\/cli\b/)]);
  }, 60_000);

  it('refuses an import of a file no module covers', async () => {
    const errors = await layeringErrors(
      'src-main/core/sync/probe.ts',
      "import { x } from '../../elsewhere/x.ts';\nexport const y = x;",
    );
    expect(errors).toEqual([expect.stringMatching(/unknown/i)]);
  }, 60_000);

  it('lets the renderer take types from src-main, never values', async () => {
    const errors = await layeringErrors(
      'src-renderer/src/lib/probe.ts',
      [
        "import type { ProviderId } from '../../../src-main/core/model/transaction.ts';",
        "import { PROVIDERS } from '../../../src-main/core/model/transaction.ts';",
        'export const all: ProviderId[] = [...PROVIDERS];',
      ].join('\n'),
    );
    expect(errors).toEqual([expect.stringMatching(/may import only types from src-main/)]);
  }, 60_000);
});
