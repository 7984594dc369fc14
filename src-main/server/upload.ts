// The browser studio cannot see the paths of dropped files, so it uploads them: each file is
// written (temporary name, then rename) under <home>/uploads/<batch>/<relative path> and the
// server answers with the absolute paths, which then go through the contract like any path.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { StudioHome } from '../core/home.js';

export const UPLOAD_PATH = '/upload';
const MAX_FILE = 512 * 1024 * 1024;

/** POST /upload?batch=ID&name=relative/path.jpg with the raw bytes as body. */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, home: StudioHome): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const batch = (url.searchParams.get('batch') ?? '').replace(/[^A-Za-z0-9_-]/g, '') || randomBytes(6).toString('hex');
  const rel = (url.searchParams.get('name') ?? '')
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .join(path.sep);
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || rel === '')
    return reply(400, { ok: false, error: { code: 'bad-request', message: 'POST a file with ?name=' } });
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_FILE) return reply(413, { ok: false, error: { code: 'bad-request', message: `${rel}: larger than 512 MB` } });
  const dest = path.join(home.root, 'uploads', batch, rel);
  const tmp = `${dest}.part-${randomBytes(4).toString('hex')}`;
  await mkdir(path.dirname(dest), { recursive: true });
  try {
    await pipeline(req, createWriteStream(tmp));
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    return reply(500, { ok: false, error: { code: 'io', message: `${rel}: upload failed (${(err as Error).message})` } });
  }
  reply(200, { ok: true, result: { path: dest, batch, folder: path.join(home.root, 'uploads', batch) } });
}
