import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Read once from the package.json that ships with the app and the CLI alike. Found by walking up from
 * this module, because its depth differs between the sources and the bundles (out/main, out/main/chunks).
 */
function findVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'posrecon' && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('posrecon: cannot find its own package.json');
    dir = parent;
  }
}

export const APP_VERSION: string = findVersion();
