// The Electron shell's contract binding, with a stand-in for ipcMain (electron itself cannot load here).
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { methodNames } from '../../src-main/core/api.js';
import { ipcChannel, type Envelope } from '../../src-main/core/contract/wire.js';
import { Studio } from '../../src-main/core/studio.js';
import { bindContract, makeSenderCheck } from '../../src-main/shell/ipc.js';
import { makeTmpDir } from '../helpers/tmp-home.js';

type Handler = (event: IpcMainInvokeEvent, request: unknown) => Promise<Envelope<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipc = {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  return { ipc: ipc as unknown as IpcMain, handlers };
}

function eventFrom(id: number, url: string): IpcMainInvokeEvent {
  return { sender: { id } as WebContents, senderFrame: { url } } as unknown as IpcMainInvokeEvent;
}

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: tmp.dir, host: 'electron' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('shell ipc binding', () => {
  const trusted = makeSenderCheck(
    (wc) => wc.id === 1,
    (url) => url.startsWith('file:///app/renderer/'),
  );

  it('registers exactly one handler per contract method and removes them all', () => {
    const { ipc, handlers } = fakeIpcMain();
    const unbind = bindContract(ipc, studio, trusted);
    expect([...handlers.keys()].sort()).toEqual(methodNames.map(ipcChannel).sort());
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('runs calls from our window and refuses other senders', async () => {
    const { ipc, handlers } = fakeIpcMain();
    bindContract(ipc, studio, trusted);
    const h = handlers.get(ipcChannel('getAppInfo'))!;
    const ok = await h(eventFrom(1, 'file:///app/renderer/index.html'), {});
    expect(ok).toMatchObject({ ok: true, result: { host: 'electron', home: tmp.dir } });
    expect(await h(eventFrom(2, 'file:///app/renderer/index.html'), {})).toEqual({ ok: false, error: { code: 'bad-request', message: 'untrusted sender' } });
    expect(await h(eventFrom(1, 'https://evil.example/'), {})).toMatchObject({ ok: false });
  });

  it('validates payloads with the contract schema', async () => {
    const { ipc, handlers } = fakeIpcMain();
    bindContract(ipc, studio, trusted);
    const r = await handlers.get(ipcChannel('pickPaths'))!(eventFrom(1, 'file:///app/renderer/index.html'), { kind: 42 });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
