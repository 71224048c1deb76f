/**
 * Hosts the app may open in the user's browser. Exact names only (no subdomain wildcards), https only:
 * `shell.openExternal` hands the URL to the OS, so anything looser would let a compromised page launch
 * arbitrary protocol handlers.
 */
export const EXTERNAL_LINK_HOSTS: ReadonlySet<string> = new Set([
  'developer.vippsmobilepay.com',
  'portal.vippsmobilepay.com',
]);

/** Returns the normalized URL to open, or null if it must not leave the app. */
export function allowedExternalUrl(
  raw: unknown,
  hosts: ReadonlySet<string> = EXTERNAL_LINK_HOSTS,
): string | null {
  if (typeof raw !== 'string' || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.port !== '') return null;
  if (!hosts.has(url.hostname)) return null;
  return url.href;
}
