import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINK_HOSTS, allowedExternalUrl } from '../../../src-main/electron/external-links.ts';

describe('allowedExternalUrl', () => {
  it('allows https links to listed hosts', () => {
    expect(allowedExternalUrl('https://developer.vippsmobilepay.com/docs/APIs/')).toBe(
      'https://developer.vippsmobilepay.com/docs/APIs/',
    );
    const hosts = new Set(['docs.example.org']);
    expect(allowedExternalUrl('https://docs.example.org/a?b=c', hosts)).toBe(
      'https://docs.example.org/a?b=c',
    );
  });

  it.each([
    'http://developer.vippsmobilepay.com/',
    'https://evil.com/',
    'https://developer.vippsmobilepay.com.evil.com/',
    'https://evil.developer.vippsmobilepay.com/',
    'https://user@developer.vippsmobilepay.com/',
    'https://developer.vippsmobilepay.com:8443/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'ms-msdt:/id',
    'app://posrecon/index.html',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(allowedExternalUrl(url)).toBeNull();
  });

  it('refuses non-strings and overlong URLs', () => {
    expect(allowedExternalUrl(undefined)).toBeNull();
    expect(allowedExternalUrl({ href: 'https://developer.vippsmobilepay.com/' })).toBeNull();
    expect(allowedExternalUrl(`https://developer.vippsmobilepay.com/${'a'.repeat(3000)}`)).toBeNull();
  });

  it('lists exact hostnames only', () => {
    for (const host of EXTERNAL_LINK_HOSTS) expect(host).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });
});
