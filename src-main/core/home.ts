import os from 'node:os';
import path from 'node:path';

/**
 * Where posrecon keeps its data. `--home` beats `POSRECON_HOME` beats the platform default, which is
 * the same folder Electron's `app.getPath('userData')` uses, so the app and the CLI share one cache.
 */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.POSRECON_HOME) return path.resolve(env.POSRECON_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'posrecon');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'posrecon');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'posrecon');
  }
}

export function databaseFile(home: string): string {
  return path.join(home, 'posrecon.sqlite');
}
