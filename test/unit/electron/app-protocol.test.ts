import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  appResponseHeaders,
  resolveAppRequest,
} from '../../../src-main/electron/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/core/security/csp.ts';

const root = path.resolve('/srv/posrecon/out/renderer');
const file = (rel: string) => path.join(root, rel);

describe('resolveAppRequest', () => {
  it('serves normal files with their content type', () => {
    expect(resolveAppRequest(APP_ENTRY_URL, root)).toEqual({
      kind: 'file',
      file: file('index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://posrecon/assets/index-abc123.js', root)).toEqual({
      kind: 'file',
      file: file('assets/index-abc123.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('app://posrecon/assets/app.css?v=1#x', root)).toMatchObject({
      kind: 'file',
      file: file('assets/app.css'),
      contentType: 'text/css; charset=utf-8',
    });
    expect(resolveAppRequest('app://posrecon/fonts/a%20b.woff2', root)).toMatchObject({
      file: file('fonts/a b.woff2'),
    });
  });

  it('falls back to index.html for extension-less routes and the root', () => {
    for (const url of ['app://posrecon/', 'app://posrecon/transactions', 'app://posrecon/a/b/']) {
      expect(resolveAppRequest(url, root)).toMatchObject({ kind: 'file', file: file('index.html') });
    }
  });

  it.each([
    'app://posrecon/../../etc/passwd',
    'app://posrecon/assets/../../secret.js',
    'app://posrecon/%2e%2e/%2e%2e/etc/passwd',
    'app://posrecon/%2E%2E/secret.js',
    'app://posrecon/assets/.%2e/x.js',
    'app://posrecon/..%2f..%2fetc%2fpasswd',
    'app://posrecon/..%2F..%2Fsecret.js',
    'app://posrecon/assets%2F..%2F..%2Fsecret.js',
    'app://posrecon/%2Fetc%2Fpasswd',
    'app://posrecon//etc/passwd',
    'app://posrecon/C:/Windows/win.ini',
    'app://posrecon/C%3A%5CWindows%5Cwin.ini',
    'app://posrecon/..\\..\\secret.js',
    'app://posrecon/assets%5c..%5c..%5csecret.js',
    'app://posrecon/index.html%00.js',
    'app://posrecon/.env',
    'app://posrecon/%E0%A4%A.js',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(url, root).kind).toBe('refused');
  });

  it.each([
    'app://evil/index.html',
    'app://posrecon.evil.com/index.html',
    'app://posrecon@evil/index.html',
    'app://posrecon:8080/index.html',
    'https://posrecon/index.html',
    'file:///etc/passwd',
    '/etc/passwd',
    'APP://POSRECON/index.html',
  ])('refuses other origins: %s', (url) => {
    expect(resolveAppRequest(url, root)).toMatchObject({ kind: 'refused', status: 403 });
  });

  it('never resolves outside the root, whatever the input', () => {
    const samples = ['a', '..', '%2e', '%2f', '%5c', '/', '\\', '.', 'b.js', '%00', ':', '%2E%2e'];
    for (const a of samples) {
      for (const b of samples) {
        for (const c of samples) {
          const r = resolveAppRequest(`app://posrecon/${a}/${b}${c}`, root);
          if (r.kind === 'file') expect(r.file.startsWith(root + path.sep)).toBe(true);
        }
      }
    }
  });
});

describe('app:// responses', () => {
  it('carry the CSP and nosniff', () => {
    const headers = appResponseHeaders('text/html; charset=utf-8');
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('registers the scheme as standard and secure', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true });
  });
});
