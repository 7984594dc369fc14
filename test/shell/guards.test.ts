// The shell's guards on web contents and the session, with stand-ins for Electron's objects.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardSession, guardWebContents } from '../../src-main/shell/guards.js';
import { makeOurUrlCheck } from '../../src-main/shell/url-policy.js';

const rendererDir = path.resolve('/app/out/renderer');
const page = pathToFileURL(path.join(rendererDir, 'index.html')).href;
const ours = makeOurUrlCheck({ rendererDir });

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: (details: { url: string }) => { action: string }) => (openHandler = h),
  });
  const opened: string[] = [];
  guardWebContents(contents as unknown as WebContents, ours, (url) => opened.push(url));
  /** Emits an event as Electron does; true when a handler prevented it. */
  const fire = (name: string, url: string) => {
    let prevented = false;
    emitter.emit(name, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { fire, open: (url: string) => openHandler!({ url }), opened };
}

describe('web contents guards', () => {
  it('blocks navigation, frame navigation and redirects away from our renderer', () => {
    const c = fakeContents();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(c.fire(event, 'https://evil.example/'), event).toBe(true);
      expect(c.fire(event, pathToFileURL(`${rendererDir}-evil/index.html`).href), event).toBe(true);
      expect(c.fire(event, `${page}#/batch`), event).toBe(false);
    }
  });

  it('refuses webviews and new windows; new-window links go to the outside-link policy', () => {
    const c = fakeContents();
    expect(c.fire('will-attach-webview', page)).toBe(true);
    expect(c.open('https://example.org/')).toEqual({ action: 'deny' });
    expect(c.opened).toEqual(['https://example.org/']);
  });
});

describe('session guards', () => {
  it('denies every permission check and request, and every device', () => {
    let check: ((wc: unknown, permission: string) => boolean) | null = null;
    let request: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | null = null;
    let device: (() => boolean) | null = null;
    const session = {
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setDevicePermissionHandler: (h: typeof device) => (device = h),
    };
    guardSession(session as unknown as Session);
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid', 'openExternal', 'fullscreen']) {
      expect(check!(null, p), p).toBe(false);
      let answer: boolean | null = null;
      request!(null, p, (ok) => (answer = ok));
      expect(answer, p).toBe(false);
    }
    expect(device!()).toBe(false);
  });
});
