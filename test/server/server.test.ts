import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useServedStudio } from './served-studio.js';
import { launch } from './launch.js';
import { rawRequest } from './raw-http.js';
import { until } from '../helpers/until.js';

const s = useServedStudio();
beforeEach(() => writeFileSync(path.join(s.tmp.dir, 'secret.txt'), 'secret'));

function call(method: string, body: unknown, token: string | null = s.server.token) {
  return fetch(`${s.server.url}api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-studio-token': token } : {}) },
    body: JSON.stringify(body),
  });
}

/** A raw request with a chosen Host header (fetch does not let us set it). */
function rawGet(pathname: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.server.port, path: pathname, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server', () => {
  it('binds to loopback and prints a URL with its port', () => {
    expect(s.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page, with the token in a meta tag and a strict CSP, to the browser that opened the launch link', async () => {
    const cookie = await launch(s.server);
    const res = await rawRequest(s.server.port, { path: '/', headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.body).toContain(`<meta name="studio-token" content="${s.server.token}" />`);
  });

  it('answers contract calls that carry the token, and 401 without it', async () => {
    const ok = await call('getAppInfo', {});
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { ok: boolean; result: { host: string; home: string } };
    expect(body.result.host).toBe('server');
    expect(body.result.home).toBe(path.join(s.tmp.dir, 'home'));
    expect((await call('getAppInfo', {}, null)).status).toBe(401);
    expect((await call('getAppInfo', {}, 'x'.repeat(s.server.token.length))).status).toBe(401);
  });

  it('validates payloads and names unknown methods', async () => {
    const bad = await call('pickPaths', { kind: 'everything' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('pickPaths');
    const unknown = await call('formatDisk', {});
    expect(unknown.status).toBe(404);
    const notJson = await fetch(`${s.server.url}api/getAppInfo`, {
      method: 'POST',
      headers: { 'x-studio-token': s.server.token },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses other Host headers (DNS rebinding) and paths outside the renderer', async () => {
    expect(await rawGet('/', 'evil.example:80')).toBe(403);
    expect(await rawGet('/assets/app.js', `localhost:${s.server.port}`)).toBe(200);
    expect(await rawGet('/../secret.txt', `127.0.0.1:${s.server.port}`)).not.toBe(200);
    expect(await rawGet('/%2e%2e/secret.txt', `127.0.0.1:${s.server.port}`)).not.toBe(200);
    expect(await rawGet('/assets/app.js', `127.0.0.1:${s.server.port}`)).toBe(200);
  });

  it('pushes core events over SSE to clients with the token', async () => {
    const res = await fetch(`${s.server.url}api/events?token=${s.server.token}`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    s.studio.emit('log', { level: 'info', message: 'hello' });
    let text = '';
    while (!text.includes('hello')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"name":"log"');
    await reader.cancel();
    expect((await fetch(`${s.server.url}api/events?token=wrong`)).status).toBe(401);
  });

  it('closes even while a request is still in flight (a page reconnecting its event stream, a stalled upload)', async () => {
    const req = http.request({
      host: '127.0.0.1',
      port: s.server.port,
      method: 'POST',
      path: '/upload?batch=b1&name=a.png',
      headers: { 'x-studio-token': s.server.token, 'content-length': '1000000' },
    });
    req.on('error', () => {}); // the server drops it
    req.write(Buffer.alloc(10));
    // In flight once the server has started writing the body (its .part file is there).
    const batchDir = path.join(s.studio.home.root, 'uploads', 'b1');
    await until('the upload to reach the server', () => existsSync(batchDir) && readdirSync(batchDir).some((f) => f.startsWith('a.png.part-')));
    const closed = s.server.close().then(() => 'closed');
    const late = new Promise((r) => setTimeout(() => r('still open'), 2000));
    expect(await Promise.race([closed, late])).toBe('closed');
    req.destroy();
  });

  it('stores uploaded files under the home and answers with their path', async () => {
    const res = await fetch(`${s.server.url}upload?batch=b1&name=${encodeURIComponent('shoot/a.jpg')}`, {
      method: 'POST',
      headers: { 'x-studio-token': s.server.token },
      body: new Uint8Array([1, 2, 3]),
    });
    const body = (await res.json()) as { ok: boolean; result: { path: string } };
    expect(body.ok).toBe(true);
    expect(body.result.path).toBe(path.join(s.tmp.dir, 'home', 'uploads', 'b1', 'shoot', 'a.jpg'));
    expect(Array.from(readFileSync(body.result.path))).toEqual([1, 2, 3]);
    const sneaky = await fetch(`${s.server.url}upload?batch=b1&name=${encodeURIComponent('../../escape.txt')}`, {
      method: 'POST',
      headers: { 'x-studio-token': s.server.token },
      body: 'x',
    });
    expect(((await sneaky.json()) as { result: { path: string } }).result.path.startsWith(path.join(s.tmp.dir, 'home', 'uploads'))).toBe(
      true,
    );
    expect((await fetch(`${s.server.url}upload?name=a.jpg`, { method: 'POST', body: 'x' })).status).toBe(401);
  });
});
