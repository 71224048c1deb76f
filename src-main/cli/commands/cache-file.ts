import { existsSync } from 'node:fs';
import { databaseFile } from '../../core/home.ts';
import { type CliIo, printError } from '../output.ts';

/**
 * Commands that read the cache say so when there is none, rather than opening (and so creating) an
 * empty one that would answer every question with nothing. Returns the file, or null after the error.
 */
export function existingCache(home: string, json: boolean, io: CliIo): string | null {
  const file = databaseFile(home);
  if (existsSync(file)) return file;
  printError(
    io,
    json,
    'DB_MISSING',
    `No cache at ${file} yet. Run \`posrecon demo\` for a demo shop, or add a connection and \`posrecon sync\`.`,
  );
  return null;
}
