import { type Command, Option } from 'commander';
import type { CliContext } from '../main.ts';
import { common, type Home, parseCount, parseDate, parseLimit } from '../options.ts';
import { runReconcileDecision, runReconcileList, runReconcileSummary } from './reconcile.ts';

/** `posrecon reconcile …`: the summary (default), list, explain, the decisions and undo. */
export function addReconcileCommands(
  program: Command,
  home: Home,
  setExit: (code: number) => void,
  ctx: CliContext,
): void {
  const reconcile = common(program.command('reconcile')).description(
    'link sales to payments and payouts, and show what does not add up (offline, on the cache)',
  );
  common(reconcile.command('summary', { isDefault: true }))
    .description('bring reconciliation up to date with the cache and print the summary (the default)')
    .option('--from <date>', 'first business date (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'last business date (YYYY-MM-DD)', parseDate)
    .option('--full', 'rebuild every day, not only the days syncs changed')
    .action(async (opts: { from?: string; to?: string; full?: boolean }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReconcileSummary(g.home, { ...opts, json: g.json }, ctx));
    });
  common(reconcile.command('list'))
    .description('list sales in review or unmatched, or the discrepancies')
    .addOption(
      new Option('--state <state>', 'what to list')
        .choices(['review', 'unmatched', 'discrepancy', 'linked', 'explained'])
        .default('review'),
    )
    .option('--class <class>', 'one discrepancy class, e.g. sale_without_payment')
    .option('--from <date>', 'first business date (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'last business date (YYYY-MM-DD)', parseDate)
    .option('--limit <n>', 'rows to print (1-500)', parseLimit, 50)
    .option('--cursor <c>', 'the next page, as the previous page printed it')
    .action(
      async (
        opts: { state: string; class?: string; from?: string; to?: string; limit: number; cursor?: string },
        cmd: Command,
      ) => {
        const g = home(cmd);
        setExit(await runReconcileList(g.home, { ...opts, json: g.json }, ctx));
      },
    );
  common(reconcile.command('explain <key>'))
    .description('why a sale is linked as it is: each field of the score, and why the runner-up lost')
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReconcileDecision(g.home, { action: 'explain', key, json: g.json }, ctx));
    });
  for (const action of ['accept', 'reject', 'link', 'unlink'] as const) {
    common(reconcile.command(`${action} <key>`))
      .description(
        {
          accept: "accept a sale's suggested payment(s)",
          reject: "reject a sale's suggested payment(s): they are never suggested again",
          link: 'link a payment to a sale by hand',
          unlink: 'take a payment out of a sale',
        }[action],
      )
      .option('--payment <id>', 'the payment record (required for link and unlink)', parseCount(1))
      .option('--version <v>', 'the version shown with the sale: refused if a sync changed it since')
      .option('--note <text>', 'why, for the audit log')
      .action(
        async (key: string, opts: { payment?: number; version?: string; note?: string }, cmd: Command) => {
          const g = home(cmd);
          setExit(await runReconcileDecision(g.home, { action, key, ...opts, json: g.json }, ctx));
        },
      );
  }
  common(reconcile.command('undo'))
    .description('undo the latest decision (or the one given)')
    .option('--decision <id>', 'a decision id', parseCount(1))
    .action(async (opts: { decision?: number }, cmd: Command) => {
      const g = home(cmd);
      setExit(await runReconcileDecision(g.home, { action: 'undo', ...opts, json: g.json }, ctx));
    });
}
