import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  utilityProcess,
  type WebContents,
} from 'electron';
import { IPC_EVENT_CHANNEL } from '../core/api/bridge.ts';
import { contentDisposition, exportDownloadId, lookUpExport } from '../core/export/export-download.ts';
import { resolveHome } from '../core/home.ts';
import { HostClient } from '../core/host/host-client.ts';
import { HOST_EXEC_ARGV } from '../core/host/host-heap.ts';
import type { FromHost } from '../core/host/host-protocol.ts';
import { appMenuTemplate } from './app-menu.ts';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appResponseHeaders,
  resolveAppRequest,
} from './app-protocol.ts';
import { CORE_HOST_FILE, PRELOAD_FILE } from './build-layout.ts';
import { allowedExternalUrl } from './external-links.ts';
import { readHomeFlag } from './home-flag.ts';
import { bindOperations, createHostCall } from './ipc-binding.ts';
import { createWindowOptions } from './window-options.ts';

// Thin glue: every decision below is made by a pure module that the unit tests cover.
const OUT_MAIN = import.meta.dirname;
const CORE_HOST_PATH = path.join(OUT_MAIN, CORE_HOST_FILE);
const PRELOAD_PATH = path.join(OUT_MAIN, '..', 'preload', PRELOAD_FILE);
const RENDERER_ROOT = path.join(OUT_MAIN, '..', 'renderer');

// Both must happen before 'ready'.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let host: HostClient | null = null;
let hostStopped = false;

function startHost(home: string): HostClient {
  const child = utilityProcess.fork(CORE_HOST_PATH, [home, 'ui'], {
    serviceName: 'posrecon core',
    stdio: 'inherit',
    execArgv: [...HOST_EXEC_ARGV],
  });
  return new HostClient({
    post: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message) => listener(message as FromHost)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => child.kill(),
  });
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const text = appResponseHeaders('text/plain; charset=utf-8');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: text });
    }
    // A finished export, by its log id only: the download below opens the save dialog.
    const exportId = exportDownloadId(new URL(request.url).pathname);
    if (exportId !== null && host) {
      const found = await lookUpExport(createHostCall(host), exportId);
      if (!found.ok) return new Response(found.message, { status: found.status, headers: text });
      const body = Readable.toWeb(createReadStream(found.value.file)) as ReadableStream<Uint8Array>;
      return new Response(body, {
        headers: {
          ...appResponseHeaders(found.value.contentType),
          'Content-Disposition': contentDisposition(found.value.fileName),
        },
      });
    }
    const resolved = resolveAppRequest(request.url, RENDERER_ROOT);
    if (resolved.kind === 'refused') {
      return new Response(resolved.reason, { status: resolved.status, headers: text });
    }
    try {
      const body = await readFile(resolved.file);
      return new Response(new Uint8Array(body), { headers: appResponseHeaders(resolved.contentType) });
    } catch {
      return new Response('Not found', { status: 404, headers: text });
    }
  });
}

function openExternalIfAllowed(url: string): void {
  const allowed = allowedExternalUrl(url);
  if (allowed) void shell.openExternal(allowed);
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternalIfAllowed(url);
  });
  // will-navigate misses subframes and server redirects; the window only ever shows app://posrecon.
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(
    createWindowOptions({ preloadPath: PRELOAD_PATH, devTools: !app.isPackaged }),
  );
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents));

  void app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // Exports are the only downloads: with no save path set, Electron asks where with the save dialog.
    ses.on('will-download', (_event, item) =>
      item.setSaveDialogOptions({
        title: 'Save the export for your accountant',
        defaultPath: item.getFilename(),
      }),
    );
    serveRenderer();
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(appMenuTemplate({ platform: process.platform, devTools: !app.isPackaged })),
    );

    const client = startHost(resolveHome(readHomeFlag(process.argv)));
    host = client;
    client.ready.catch((err: Error) => {
      dialog.showErrorBox('posrecon could not open its data', err.message);
      app.quit();
    });
    client.onEvent((name, payload) => {
      if (mainWindow && !mainWindow.isDestroyed())
        mainWindow.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    });
    bindOperations(ipcMain, createHostCall(client), (operation, url) =>
      console.warn(`[main] refused ${operation} from ${url ?? 'an unknown frame'}`),
    );

    mainWindow = createWindow();
    app.on('activate', () => {
      if (!mainWindow) mainWindow = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Let the core close SQLite cleanly before the process ends.
  app.on('will-quit', (event) => {
    if (hostStopped || !host) return;
    event.preventDefault();
    void host.shutdown().finally(() => {
      hostStopped = true;
      app.quit();
    });
  });
}

start();
