import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './preload-bridge.ts';

// Sandboxed preload: bundled into one CommonJS file whose only require is 'electron'.
contextBridge.exposeInMainWorld(
  'posrecon',
  createBridge({
    invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    on: (channel, listener) => ipcRenderer.on(channel, listener),
    off: (channel, listener) => ipcRenderer.off(channel, listener),
  }),
);
