import { describe, expect, it } from 'vitest';
import { createWindowOptions } from '../../../src-main/electron/window-options.ts';

describe('createWindowOptions', () => {
  const options = createWindowOptions({ preloadPath: '/app/out/preload/preload.cjs', devTools: false });

  it('sets every flag of the Electron security checklist', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });

  it('uses the given preload and devTools setting, and waits for ready-to-show', () => {
    expect(options.webPreferences.preload).toBe('/app/out/preload/preload.cjs');
    expect(options.webPreferences.devTools).toBe(false);
    expect(createWindowOptions({ preloadPath: 'p', devTools: true }).webPreferences.devTools).toBe(true);
    expect(options.show).toBe(false);
  });

  it('has no option that would weaken isolation', () => {
    const keys = Object.keys(options.webPreferences);
    for (const risky of ['enableRemoteModule', 'enableBlinkFeatures', 'additionalArguments', 'partition']) {
      expect(keys).not.toContain(risky);
    }
  });
});
