/**
 * The application menu as plain data (a subset of Electron's MenuItemConstructorOptions). Minimal on
 * purpose: clipboard and window roles, so the usual shortcuts work, and nothing that loads content.
 */
export type MenuRole =
  | 'appMenu'
  | 'fileMenu'
  | 'editMenu'
  | 'windowMenu'
  | 'quit'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen';

export interface MenuItem {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  submenu?: MenuItem[];
}

export function appMenuTemplate(opts: { platform: NodeJS.Platform; devTools: boolean }): MenuItem[] {
  const view: MenuItem = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(opts.devTools ? [{ role: 'toggleDevTools' as const }] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const first: MenuItem = opts.platform === 'darwin' ? { role: 'appMenu' } : { role: 'fileMenu' };
  return [first, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}
