/**
 * Reads `--home DIR` or `--home=DIR` from an argv. Hand-rolled rather than util.parseArgs because
 * Electron's argv also carries Chromium switches we must ignore, not reject.
 */
export function readHomeFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--home') {
      const next = argv[i + 1];
      return next && !next.startsWith('--') ? next : undefined;
    }
    if (arg?.startsWith('--home=')) return arg.slice('--home='.length) || undefined;
  }
  return undefined;
}
