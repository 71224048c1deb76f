import { describe, expect, it } from 'vitest';
import { appMenuTemplate, type MenuItem } from '../../../src-main/electron/app-menu.ts';

const roles = (items: MenuItem[]): string[] =>
  items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);

describe('appMenuTemplate', () => {
  it('is minimal and platform-aware', () => {
    expect(roles(appMenuTemplate({ platform: 'darwin', devTools: false }))[0]).toBe('appMenu');
    expect(roles(appMenuTemplate({ platform: 'linux', devTools: false }))[0]).toBe('fileMenu');
  });

  it('offers devtools only when asked', () => {
    expect(roles(appMenuTemplate({ platform: 'linux', devTools: false }))).not.toContain('toggleDevTools');
    expect(roles(appMenuTemplate({ platform: 'linux', devTools: true }))).toContain('toggleDevTools');
  });

  it('holds only built-in roles, no click handlers or URLs', () => {
    const walk = (items: MenuItem[]): void => {
      for (const item of items) {
        expect(Object.keys(item).every((k) => ['label', 'role', 'type', 'submenu'].includes(k))).toBe(true);
        walk(item.submenu ?? []);
      }
    };
    walk(appMenuTemplate({ platform: 'win32', devTools: true }));
  });
});
