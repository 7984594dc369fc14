// The preload exposes window.studio with one function per contract method (plus `on`) and
// nothing of Node or Electron. electron is mocked: the real module needs the Electron binary.
import { describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../src-main/core/api.js';

const exposed: Record<string, Record<string, unknown>> = {};
const invoked: [string, unknown][] = [];

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (channel: string, request: unknown) => {
      invoked.push([channel, request]);
      return channel === 'studio:getAppInfo' ? { ok: true, result: { host: 'electron' } } : { ok: false, error: { code: 'not-found', message: 'x: missing' } };
    },
    on: vi.fn(),
    removeListener: vi.fn(),
  },
  webUtils: { getPathForFile: () => '/dropped/file.jpg' },
}));

describe('preload', async () => {
  await import('../../src-main/preload/index.js');

  it('exposes one function per method plus on, and nothing else', () => {
    expect(Object.keys(exposed).sort()).toEqual(['studio', 'studioHost']);
    expect(Object.keys(exposed.studio!).sort()).toEqual([...methodNames, 'on'].sort());
    for (const v of Object.values(exposed.studio!)) expect(typeof v).toBe('function');
    expect(Object.keys(exposed.studioHost!)).toEqual(['pathForFile']);
  });

  it('unwraps results and turns wire errors into errors with a code', async () => {
    const studio = exposed.studio as Record<string, (r: unknown) => Promise<unknown>>;
    await expect(studio.getAppInfo!({})).resolves.toEqual({ host: 'electron' });
    await expect(studio.listDir!({ path: '/nope' })).rejects.toMatchObject({ code: 'not-found', message: 'x: missing' });
    expect(invoked[0]).toEqual(['studio:getAppInfo', {}]);
  });
});
