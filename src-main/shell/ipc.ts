// Binds every contract method to ipcMain.handle and forwards core events to the window.
// Requests are validated by Studio.call (zod); the sender must be our own window and page.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { methodNames } from '../core/api.js';
import { toWireError } from '../core/contract/errors.js';
import { IPC_EVENT_CHANNEL, ipcChannel, type Envelope, type WireEvent } from '../core/contract/wire.js';
import type { Studio } from '../core/studio.js';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Trusted when the call comes from a window we created, showing our own renderer URL. */
export function makeSenderCheck(isOurWebContents: (wc: WebContents) => boolean, isOurUrl: (url: string) => boolean): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    return isOurWebContents(event.sender) && frame !== null && isOurUrl(frame.url);
  };
}

export function bindContract(ipcMain: IpcMain, studio: Studio, trusted: SenderCheck): () => void {
  for (const name of methodNames) {
    ipcMain.handle(ipcChannel(name), async (event, request: unknown): Promise<Envelope<unknown>> => {
      if (!trusted(event)) return { ok: false, error: { code: 'bad-request', message: 'untrusted sender' } };
      try {
        return { ok: true, result: await studio.call(name, request) };
      } catch (err) {
        return { ok: false, error: toWireError(err) };
      }
    });
  }
  return () => {
    for (const name of methodNames) ipcMain.removeHandler(ipcChannel(name));
  };
}

export function forwardEvents(studio: Studio, targets: () => WebContents[]): () => void {
  return studio.on((name, payload) => {
    const event: WireEvent = { name, payload };
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, event);
  });
}
