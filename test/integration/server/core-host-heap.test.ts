import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forkHost } from '../../../src-main/core/host/fork-host.ts';
import { HOST_EXEC_ARGV } from '../../../src-main/core/host/host-heap.ts';
import { useTempHome } from '../../support/temp-home.ts';

const tempHome = useTempHome();

describe('the core host process', () => {
  it("starts with the host's heap cap, ahead of the entry script (where node reads its own flags)", async () => {
    expect(HOST_EXEC_ARGV).toContain('--max-old-space-size=1024');
    const host = await forkHost(tempHome(), 'ui');
    try {
      // The flags the child was started with, as the kernel holds them.
      const argv = readFileSync(`/proc/${host.pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toEqual(expect.arrayContaining([...HOST_EXEC_ARGV]));
      expect(argv.indexOf('--max-old-space-size=1024')).toBeLessThan(
        argv.findIndex((a) => a.endsWith('host-entry.ts')),
      );
    } finally {
      await host.shutdown();
    }
  });
});
