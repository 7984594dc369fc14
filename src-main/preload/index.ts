// The sandboxed preload: exposes the contract as window.studio (one function per method plus
// event subscription) and, separately, window.studioHost.pathForFile for dropped files.
// Nothing else of Node or Electron reaches the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { methodNames, type StudioClient } from '../core/api.js';
import { fromWireError } from '../core/contract/errors.js';
import { IPC_EVENT_CHANNEL, ipcChannel, type Envelope, type WireEvent } from '../core/contract/wire.js';

function buildClient(): StudioClient {
  const client: Record<string, unknown> = {};
  for (const name of methodNames) {
    client[name] = async (request: unknown) => {
      const envelope = (await ipcRenderer.invoke(ipcChannel(name), request ?? {})) as Envelope<unknown>;
      if (envelope.ok) return envelope.result;
      throw fromWireError(envelope.error);
    };
  }
  client.on = (name: string, listener: (payload: unknown) => void) => {
    const handler = (_e: unknown, event: WireEvent) => {
      if (event.name === name) listener(event.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  };
  return client as StudioClient;
}

contextBridge.exposeInMainWorld('studio', buildClient());
contextBridge.exposeInMainWorld('studioHost', {
  /** Absolute path of a File dropped on the window (Electron only). */
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});
