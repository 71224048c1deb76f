import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../src-main/server/static-files.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'posrecon-static-'));
mkdirSync(path.join(root, 'assets'));
writeFileSync(path.join(root, 'index.html'), '<html>');
writeFileSync(path.join(root, 'assets', 'app.js'), '');

describe('resolveStaticPath', () => {
  it('serves files under the root and falls back to index.html for routes', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveStaticPath(root, '/transactions')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/missing.js')).toBeNull();
  });

  it('refuses every way out of the root', () => {
    for (const p of [
      '/../secret',
      '/assets/../../secret',
      '/%2e%2e/secret',
      '/%2E%2E/secret',
      '/assets%2f..%2f..%2fsecret',
      '/..%5csecret',
      '/..\\secret',
      '/%00index.html',
      '//etc/passwd',
      '/C:/Windows/win.ini',
      'etc/passwd',
      '/%E0%A4%A', // malformed escape
      '/./index.html',
    ]) {
      expect(resolveStaticPath(root, p), p).toBeNull();
    }
  });
});
