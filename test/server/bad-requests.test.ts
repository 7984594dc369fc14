// Requests no file can answer (malformed % escapes, NULs, unparsable targets) are clean 400s
// with one line, never a 500 with Node's own text.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Studio } from '../../src-main/core/studio.js';
import { startServer, type RunningServer } from '../../src-main/server/server.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { rawRequest } from './raw-http.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let server: RunningServer;

beforeEach(async () => {
  tmp = makeTmpDir();
  const renderer = path.join(tmp.dir, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'server' });
  server = await startServer({ studio, rendererDir: renderer });
});
afterEach(async () => {
  await server.close();
  await studio.close();
  tmp.cleanup();
});

describe('bad request paths', () => {
  it('malformed % escapes and NULs in static paths are 400 with one line', async () => {
    for (const p of ['/%', '/assets/%E0%A4%A', '/%zz.js', '/assets/app.js%00.png', '/%C0%AF']) {
      const res = await rawRequest(server.port, { path: p });
      expect(res.status, p).toBe(400);
      expect(res.body, p).toBe('bad request path (a malformed % escape or a NUL)\n');
    }
    expect((await rawRequest(server.port, { path: '/assets/app%2Ejs' })).status).toBe(200);
  });
});
