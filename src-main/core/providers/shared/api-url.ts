import { z } from 'zod';

/**
 * The rules every provider address follows. An address is where a stored secret is sent, so it may
 * carry nothing that is itself a secret (`user:pass@`, `?api_key=`) and nothing the path could be
 * appended after (a query or a fragment), and it is encrypted unless it never leaves the machine.
 */

/** 127.0.0.0/8, ::1 and localhost: the sandbox's addresses, which never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** What is wrong with `value` as a provider address, in plain words, or null when it is fine. */
export function apiUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a full address, starting with https://';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The address must start with https://';
  if (url.username !== '' || url.password !== '') {
    return 'The address must not contain a user name or password: enter those as the secret';
  }
  // `value.includes`: `new URL` drops an empty `?` or `#`, which would still be a sign of pasted junk.
  if (url.search !== '' || value.includes('?')) {
    return 'The address must not contain a query (the part after ?): enter keys as the secret';
  }
  if (url.hash !== '' || value.includes('#')) return 'The address must not contain a # part';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'The address must start with https:// (plain http:// is only for this computer, 127.0.0.1)';
  }
  return null;
}

/** A zod field for a provider address; `message` is the hint shown when it is not a URL at all. */
export function apiUrlSchema(message: string) {
  return z.url({ protocol: /^https?$/, error: message }).superRefine((value, ctx) => {
    const problem = apiUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** The origin (scheme, host, port) an address sends to: what a secret is bound to. */
export function originOf(value: string): string {
  return new URL(value).origin;
}

/**
 * `path` (relative, optionally with its own query) below `base`. Joined by URL rules, not by string
 * concatenation, and refused when the result would leave the base's origin or path (`//host/x`,
 * `../x`, an absolute URL from a provider's paging link): a request never goes anywhere else.
 */
export function joinApiUrl(base: string, path: string): URL {
  const problem = apiUrlProblem(base);
  if (problem) throw new Error(`The API address is not usable: ${problem}.`);
  const root = new URL(base);
  root.pathname = root.pathname.replace(/\/*$/, '/');
  const url = new URL(path.replace(/^\/+/, ''), root);
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) {
    throw new Error(`The request path ${JSON.stringify(path.slice(0, 80))} leaves the API address.`);
  }
  return url;
}
