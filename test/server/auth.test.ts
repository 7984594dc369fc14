// Who gets the served studio: not any local process that asks for `/`, only the browser that
// opened the one-time launch link (HttpOnly, SameSite=Strict cookie) or a client with the token;
// pages of other origins are refused.
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Studio } from '../../src-main/core/studio.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { launch } from './launch.js';
import { rawRequest } from './raw-http.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let server: RunningServer;

beforeEach(async () => {
  tmp = makeTmpDir();
  const renderer = path.join(tmp.dir, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'server' });
  server = await startServer({ studio, rendererDir: renderer });
});
afterEach(async () => {
  await server.close();
  await studio.close();
  tmp.cleanup();
});

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe('served studio authentication', () => {
  it('does not hand the page or the token to a request without a session', async () => {
    for (const p of ['/', '/index.html', '/import', '/?launch=', '/?launch=guess']) {
      const res = await rawRequest(server.port, { path: p });
      expect(res.status, p).toBe(401);
      expect(res.body, p).not.toContain(server.token);
    }
  });

  it('the launch link sets an HttpOnly, SameSite=Strict cookie, redirects to / and works once', async () => {
    expect(server.launchUrl).toMatch(new RegExp(`^${server.url.replace(/[.]/g, '\\.')}\\?launch=[\\w-]{20,}$`));
    const first = await rawRequest(server.port, { path: pathOf(server.launchUrl) });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']![0]!;
    expect(cookie).toMatch(new RegExp(`^latent-studio-${server.port}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toMatch(/Domain=/i);
    const again = await rawRequest(server.port, { path: pathOf(server.launchUrl) });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('already used');

    const page = await rawRequest(server.port, { path: '/', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`content="${server.token}"`);
    const wrong = await rawRequest(server.port, { path: '/', headers: { cookie: `latent-studio-${server.port}=${'x'.repeat(32)}` } });
    expect(wrong.status).toBe(401);
    // The same browser opening the spent link again just goes on to the studio.
    expect((await rawRequest(server.port, { path: pathOf(server.launchUrl), headers: { cookie: cookie.split(';')[0]! } })).status).toBe(
      303,
    );
  });

  it('contract calls work with the session cookie alone, or the token header', async () => {
    const cookie = await launch(server);
    const body = '{}';
    const headers = { 'content-type': 'application/json', origin: `http://127.0.0.1:${server.port}` };
    expect((await rawRequest(server.port, { method: 'POST', path: '/api/getAppInfo', headers: { ...headers, cookie }, body })).status).toBe(
      200,
    );
    expect(
      (await rawRequest(server.port, { method: 'POST', path: '/api/getAppInfo', headers: { 'x-studio-token': server.token }, body }))
        .status,
    ).toBe(200);
    expect((await rawRequest(server.port, { method: 'POST', path: '/api/getAppInfo', headers, body })).status).toBe(401);
  });

  it('refuses requests from pages of other origins, token or not', async () => {
    const cookie = await launch(server);
    for (const origin of ['https://evil.example', 'http://127.0.0.1:1', `http://127.0.0.1:${server.port}0`, 'null']) {
      const api = await rawRequest(server.port, {
        method: 'POST',
        path: '/api/listDir',
        headers: { origin, cookie, 'x-studio-token': server.token, 'content-type': 'application/json' },
        body: '{"path":"/"}',
      });
      expect(api.status, origin).toBe(403);
      expect(api.body, origin).not.toContain('entries');
      const upload = await rawRequest(server.port, {
        method: 'POST',
        path: '/upload?name=a.jpg',
        headers: { origin, cookie, 'x-studio-token': server.token },
        body: 'x',
      });
      expect(upload.status, origin).toBe(403);
      expect((await rawRequest(server.port, { path: '/', headers: { origin, cookie } })).status, origin).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const ok = await rawRequest(server.port, { method: 'POST', path: '/api/getAppInfo', headers: { origin, cookie }, body: '{}' });
      expect(ok.status, origin).toBe(200);
    }
  });

  it('gives each launch its own link, for a second browser', async () => {
    const a = await launch(server);
    const b = await launch(server);
    expect(a).toBe(b);
    expect(server.newLaunchUrl()).not.toBe(server.newLaunchUrl());
  });
});
