// Who gets the served studio: not any local process that asks for `/`, only the browser that
// opened the one-time launch link (HttpOnly, SameSite=Strict cookie) or a client with the token;
// pages of other origins are refused.
import { describe, expect, it } from 'vitest';
import { useServedStudio } from './served-studio.js';
import { launch } from './launch.js';
import { rawRequest } from './raw-http.js';

const s = useServedStudio();

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe('served studio authentication', () => {
  it('does not hand the page or the token to a request without a session', async () => {
    for (const p of ['/', '/index.html', '/import', '/?launch=', '/?launch=guess']) {
      const res = await rawRequest(s.server.port, { path: p });
      expect(res.status, p).toBe(401);
      expect(res.body, p).not.toContain(s.server.token);
    }
  });

  it('the launch link sets an HttpOnly, SameSite=Strict cookie, redirects to / and works once', async () => {
    expect(s.server.launchUrl).toMatch(new RegExp(`^${s.server.url.replace(/[.]/g, '\\.')}\\?launch=[\\w-]{20,}$`));
    const first = await rawRequest(s.server.port, { path: pathOf(s.server.launchUrl) });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']![0]!;
    expect(cookie).toMatch(new RegExp(`^latent-studio-${s.server.port}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toMatch(/Domain=/i);
    const again = await rawRequest(s.server.port, { path: pathOf(s.server.launchUrl) });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('already used');

    const page = await rawRequest(s.server.port, { path: '/', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`content="${s.server.token}"`);
    const wrong = await rawRequest(s.server.port, { path: '/', headers: { cookie: `latent-studio-${s.server.port}=${'x'.repeat(32)}` } });
    expect(wrong.status).toBe(401);
    // The same browser opening the spent link again just goes on to the studio.
    expect((await rawRequest(s.server.port, { path: pathOf(s.server.launchUrl), headers: { cookie: cookie.split(';')[0]! } })).status).toBe(
      303,
    );
  });

  it('contract calls work with the session cookie alone, or the token header', async () => {
    const cookie = await launch(s.server);
    const body = '{}';
    const headers = { 'content-type': 'application/json', origin: `http://127.0.0.1:${s.server.port}` };
    expect(
      (await rawRequest(s.server.port, { method: 'POST', path: '/api/getAppInfo', headers: { ...headers, cookie }, body })).status,
    ).toBe(200);
    expect(
      (await rawRequest(s.server.port, { method: 'POST', path: '/api/getAppInfo', headers: { 'x-studio-token': s.server.token }, body }))
        .status,
    ).toBe(200);
    expect((await rawRequest(s.server.port, { method: 'POST', path: '/api/getAppInfo', headers, body })).status).toBe(401);
  });

  it('refuses requests from pages of other origins, token or not', async () => {
    const cookie = await launch(s.server);
    for (const origin of ['https://evil.example', 'http://127.0.0.1:1', `http://127.0.0.1:${s.server.port}0`, 'null']) {
      const api = await rawRequest(s.server.port, {
        method: 'POST',
        path: '/api/listDir',
        headers: { origin, cookie, 'x-studio-token': s.server.token, 'content-type': 'application/json' },
        body: '{"path":"/"}',
      });
      expect(api.status, origin).toBe(403);
      expect(api.body, origin).not.toContain('entries');
      const upload = await rawRequest(s.server.port, {
        method: 'POST',
        path: '/upload?name=a.jpg',
        headers: { origin, cookie, 'x-studio-token': s.server.token },
        body: 'x',
      });
      expect(upload.status, origin).toBe(403);
      expect((await rawRequest(s.server.port, { path: '/', headers: { origin, cookie } })).status, origin).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${s.server.port}`, `http://localhost:${s.server.port}`]) {
      const ok = await rawRequest(s.server.port, { method: 'POST', path: '/api/getAppInfo', headers: { origin, cookie }, body: '{}' });
      expect(ok.status, origin).toBe(200);
    }
  });

  it('gives each launch its own link, for a second browser', async () => {
    const a = await launch(s.server);
    const b = await launch(s.server);
    expect(a).toBe(b);
    expect(s.server.newLaunchUrl()).not.toBe(s.server.newLaunchUrl());
  });
});
