import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../src-main/electron/sender-check.ts';

const top = (url: string) => ({ url, parent: null });

describe('isTrustedSender', () => {
  it('accepts the app page, on any route', () => {
    expect(isTrustedSender(top('app://posrecon/index.html'))).toBe(true);
    expect(isTrustedSender(top('app://posrecon/transactions?x=1#y'))).toBe(true);
  });

  it.each([
    'app://evil/index.html',
    'app://posrecon.evil/index.html',
    'app://posrecon@evil/index.html',
    'app://user:pw@posrecon/index.html',
    'app://posrecon',
    'https://posrecon/index.html',
    'http://localhost:5173/',
    'file:///work/main/out/renderer/index.html',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
  ])('refuses %s', (url) => {
    expect(isTrustedSender(top(url))).toBe(false);
  });

  it('refuses a missing frame and subframes, even of the app origin', () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender({ url: 'app://posrecon/index.html', parent: {} })).toBe(false);
  });
});
