import { startSandbox } from '../../core/sandbox/index.ts';

export interface SandboxCommandOptions {
  port?: number;
  seed: number;
  days: number;
  salesPerDay: number;
  faults?: string;
  json: boolean;
}

export interface SandboxCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal: AbortSignal;
}

/**
 * `posrecon sandbox`: starts the simulated shop and its five provider emulators, prints each base URL
 * with the published demo credentials (JSON with --json), and serves until the signal aborts.
 */
export async function runSandboxCommand(opts: SandboxCommandOptions, io: SandboxCommandIo): Promise<number> {
  let sandbox;
  try {
    io.stderr.write(
      `Preparing sandbox world (seed ${opts.seed}, ${opts.days} days, ${opts.salesPerDay} sales/day)...\n`,
    );
    sandbox = await startSandbox({
      port: opts.port ?? 0,
      seed: opts.seed,
      days: opts.days,
      salesPerDay: opts.salesPerDay,
      faults: opts.faults ?? 'none',
    });
  } catch (err) {
    io.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const providers = Object.keys(sandbox.baseUrls) as (keyof typeof sandbox.baseUrls)[];
  if (opts.json) {
    const out = {
      url: sandbox.url,
      groundTruthPath: sandbox.groundTruthPath,
      world: {
        seed: opts.seed,
        days: opts.days,
        salesPerDay: opts.salesPerDay,
        today: sandbox.world.options.today,
      },
      faults: opts.faults ?? 'none',
      providers: Object.fromEntries(
        providers.map((p) => [p, { baseUrl: sandbox.baseUrls[p], credentials: sandbox.credentials[p] }]),
      ),
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const lines = [`posrecon sandbox listening on ${sandbox.url} (faults: ${opts.faults ?? 'none'})`];
    for (const p of providers) {
      lines.push(`  ${p.padEnd(10)} ${sandbox.baseUrls[p]}`);
      for (const [k, v] of Object.entries(sandbox.credentials[p])) lines.push(`    ${k}: ${v}`);
    }
    lines.push(`  ground truth: ${sandbox.groundTruthPath}`, 'Demo credentials only; press Ctrl+C to stop.');
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  if (!io.signal.aborted) {
    await new Promise<void>((resolve) =>
      io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
  }
  await sandbox.close();
  return 0;
}
