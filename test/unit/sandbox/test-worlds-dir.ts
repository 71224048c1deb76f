import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where test worlds are cached. Worlds are keyed by a hash of their options and never modified in
 * place (changes go to a per-run copy that World.close removes), so sharing one directory across
 * files and runs is safe and saves regenerating them.
 */
export const TEST_WORLDS_DIR = join(tmpdir(), 'posrecon-sandbox-tests');
