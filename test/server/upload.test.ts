// Uploads: the size cap counts the bytes that arrive (chunked bodies have no Content-Length),
// a refused body is not read on, and bad names are clean 400s.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOKEN_HEADER, uploadUrl, type Envelope, type UploadResult } from '../../src-main/core/contract/wire.js';
import { useServedStudio } from './served-studio.js';
import { rawRequest, streamUpload } from './raw-http.js';

const CAP = 1024 * 1024;
const s = useServedStudio({ maxUploadBytes: CAP });

const uploads = () => path.join(s.tmp.dir, 'home', 'uploads');
function filesUnder(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name)
    : [];
}

describe('upload size cap', () => {
  it('stores a chunked upload under the cap', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(300 * 1024).fill(1));
        c.enqueue(new Uint8Array(300 * 1024).fill(2));
        c.close();
      },
    });
    // The request as the renderer builds it from the contract's wire declaration.
    const res = await fetch(new URL(uploadUrl({ batch: 'b', name: 'day 1/a+b.jpg' }), s.server.url), {
      method: 'POST',
      headers: { [TOKEN_HEADER]: s.server.token },
      body,
      duplex: 'half',
    } as RequestInit);
    const r = (await res.json()) as Envelope<UploadResult>;
    if (!r.ok) throw new Error(r.error.message);
    expect(readFileSync(r.result.path).length).toBe(600 * 1024);
    expect(r.result).toMatchObject({ batch: 'b', folder: path.dirname(path.dirname(r.result.path)) });
    expect(r.result.path.endsWith(path.join('b', 'day 1', 'a+b.jpg'))).toBe(true);
  });

  it('refuses a chunked upload over the cap with 413, stores nothing, and stops reading it', async () => {
    const r = await streamUpload(s.server.port, {
      path: '/upload?batch=b&name=big.jpg',
      headers: { 'x-studio-token': s.server.token },
      total: 64 * CAP,
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'bad-request', message: 'big.jpg: larger than 1 MB' } });
    // The server closed the connection: the client could not send its 64 MB.
    expect(r.closedEarly).toBe(true);
    expect(r.sent).toBeLessThan(32 * CAP);
    expect(filesUnder(uploads())).toEqual([]);
  });

  it('after a 413 for a declared length, closes the connection instead of reading the body on', async () => {
    const r = await streamUpload(s.server.port, {
      path: '/upload?batch=b&name=big.jpg',
      headers: { 'x-studio-token': s.server.token },
      total: 64 * CAP,
      // Over any cap (the default 512 MB too); the client sends 64 MB of it, if the server lets it.
      contentLength: 600 * CAP,
    });
    expect(r.status).toBe(413);
    expect(r.closedEarly).toBe(true);
    expect(r.sent).toBeLessThan(32 * CAP);
    expect(filesUnder(uploads())).toEqual([]);
  });

  it('the server still answers after refusing an upload', async () => {
    await streamUpload(s.server.port, { path: '/upload?name=big.jpg', headers: { 'x-studio-token': s.server.token }, total: 4 * CAP });
    const ok = await rawRequest(s.server.port, {
      method: 'POST',
      path: '/api/getAppInfo',
      headers: { 'x-studio-token': s.server.token },
      body: '{}',
    });
    expect(ok.status).toBe(200);
  });
});

describe('upload names', () => {
  const post = (name: string) =>
    rawRequest(s.server.port, {
      method: 'POST',
      path: `/upload?batch=b&name=${name}`,
      headers: { 'x-studio-token': s.server.token },
      body: 'x',
    });

  it('a NUL in the name is a clean 400 with one line, not Node’s own text', async () => {
    const res = await post('a%00b.jpg');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'bad-request', message: 'upload name holds a NUL character' } });
    expect(filesUnder(uploads())).toEqual([]);
  });

  it('a name part over 255 bytes is a 400 before anything is written', async () => {
    const res = await post(`${'a'.repeat(251)}.jpeg`);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { error: { message: string } }).error.message).toMatch(
      /^upload name part is longer than 255 bytes: a{40}…$/,
    );
    expect(res.body).not.toMatch(/ENAMETOOLONG/);
  });

  it('malformed % escapes in the name are kept literally', async () => {
    const res = await post('100%zz.jpg');
    expect(res.status).toBe(200);
    expect(filesUnder(uploads())).toEqual(['100%zz.jpg']);
  });
});
