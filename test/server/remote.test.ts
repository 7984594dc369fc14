// The training host's routes (/remote/v1/) on a real server: the token is required (Bearer,
// constant-time), a web page's request (any Origin) is refused, any Host header is served there
// while the browser studio's own routes keep their loopback-only Host check, uploads are kept
// only when they hash to their name, and only trainings a studio started here are served.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCatalog } from '../../src-main/core/catalog/index.js';
import { Studio } from '../../src-main/core/studio.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { rawRequest } from './raw-http.js';

const TOKEN = 'route-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('training-host routes', () => {
  let tmp: ReturnType<typeof makeTmpDir>;
  let studio: Studio;
  let server: RunningServer;
  beforeEach(async () => {
    tmp = makeTmpDir('ls-remote-routes-');
    const renderer = path.join(tmp.dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>t</title>');
    studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'server' });
    server = await startServer({ studio, rendererDir: renderer, hostToken: TOKEN });
  });
  afterEach(async () => {
    await server.close();
    await studio.close();
    tmp.cleanup();
  });

  const missing = (headers: Record<string, string>, hashes: string[] = []) =>
    rawRequest(server.port, {
      method: 'POST',
      path: '/remote/v1/blobs/missing',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ hashes }),
    });

  it('needs the token; refuses web pages; answers any Host there, while /api keeps its loopback Host check', async () => {
    expect((await missing({})).status).toBe(401);
    expect((await missing({ authorization: 'Bearer wrong-token-0123456789abcd' })).status).toBe(401);
    expect((await missing({ ...auth, origin: `http://127.0.0.1:${server.port}` })).status).toBe(403);
    const h = createHash('sha256').update('x').digest('hex');
    const ok = await missing({ ...auth, host: `studio.lan:${server.port}` }, [h]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, result: { missing: [h] } });
    const api = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/getAppInfo',
      headers: { host: `studio.lan:${server.port}`, 'x-studio-token': server.token },
      body: '{}',
    });
    expect(api.status).toBe(403);
    // The host's token opens only the training routes, never the studio's own.
    const apiWithHostToken = await rawRequest(server.port, { method: 'POST', path: '/api/getAppInfo', headers: auth, body: '{}' });
    expect(apiWithHostToken.status).toBe(401);
  });

  it('keeps an upload only when it hashes to its name; nothing half-written stays', async () => {
    const bytes = Buffer.from('a few image bytes');
    const good = createHash('sha256').update(bytes).digest('hex');
    const other = createHash('sha256').update('something else').digest('hex');
    const put = (hash: string) => rawRequest(server.port, { method: 'PUT', path: `/remote/v1/blobs/${hash}`, headers: auth, body: bytes });
    const bad = await put(other);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe(`image ${other}: the bytes sent hash to ${good}, not to their name`);
    expect((await put('..%2F..%2Fetc')).status).toBe(400);
    expect((await put('ABC')).status).toBe(400);
    expect((await put(good)).status).toBe(200);
    expect(readdirSync(path.join(studio.home.root, 'training-host', 'blobs'))).toEqual([good]);
    expect(JSON.parse((await missing(auth, [good, other])).body).result).toEqual({ missing: [other] });
  });

  it('serves only trainings a studio started here; a training of images never sent is refused', async () => {
    const h = createHash('sha256').update('x').digest('hex');
    const train = await rawRequest(server.port, {
      method: 'POST',
      path: '/remote/v1/train',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ request: { epochs: 1 }, images: [{ hash: h, ext: '.png' }] }),
    });
    expect(train.status).toBe(400);
    expect(JSON.parse(train.body).error.message).toBe(`1 of the 1 images were not uploaded (first: ${h})`);
    // A training this studio's own user started (its dataset is not a host dataset) is not served.
    const own = getCatalog(studio.context).jobs.create({
      kind: 'train',
      input: { request: { dataset: 'my photos' }, modelId: 'm1', options: {}, typical: {} },
    });
    for (const id of [own.id, own.id + 1])
      for (const p of [`/remote/v1/train/${id}/model`, `/remote/v1/train/${id}/events`, `/remote/v1/train/${id}/cancel`])
        expect((await rawRequest(server.port, { path: p, method: p.endsWith('cancel') ? 'POST' : 'GET', headers: auth })).status, p).toBe(
          404,
        );
  });
});
