// The browser studio cannot see the paths of dropped files, so it uploads them: each file is
// written (temporary name, then rename) under <home>/uploads/<batch>/<relative path> and the
// server answers with the absolute paths, which then go through the contract like any path.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { finished } from 'node:stream';
import { fileProblemLine } from '../core/input/file-problem.js';
import type { StudioHome } from '../core/system/home.js';
import { uploadQueryOf, type Envelope, type UploadResult } from '../core/contract/wire.js';
import { refuseAndClose } from './refuse.js';

export { UPLOAD_PATH } from '../core/contract/wire.js';
/** Largest file one upload may carry. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** Most file systems allow 255 bytes per name; longer would fail only after the upload. */
const MAX_NAME_BYTES = 255;

/** POST UPLOAD_PATH?batch=ID&name=relative/path.jpg with the raw bytes as body (contract/wire.ts). */
export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  home: StudioHome,
  url: URL,
  maxBytes: number = MAX_UPLOAD_BYTES,
): Promise<void> {
  const query = uploadQueryOf(url);
  const batch = (query.batch ?? '').replace(/[^A-Za-z0-9_-]/g, '') || randomBytes(6).toString('hex');
  const reply = (status: number, body: Envelope<UploadResult>) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const refuse = (status: number, message: string) =>
    refuseAndClose(req, res, status, { ok: false, error: { code: 'bad-request', message } });

  if (req.method !== 'POST') return refuse(405, 'POST a file with ?name=');
  const rel = uploadRelPath(query.name);
  if (typeof rel !== 'string') return refuse(400, rel.problem);
  const limit = `larger than ${formatLimit(maxBytes)}`;
  // A declared length over the cap is refused before any byte is read.
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return refuse(413, `${rel}: ${limit}`);

  const dest = path.join(home.root, 'uploads', batch, rel);
  const tmp = `${dest}.part-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(path.dirname(dest), { recursive: true });
  } catch (err) {
    return refuseAndClose(req, res, 500, {
      ok: false,
      error: { code: 'io', message: fileProblemLine(rel, err, 'store the upload') },
    });
  }
  const outcome = await receive(req, createWriteStream(tmp), maxBytes);
  if (outcome !== 'done') await rm(tmp, { force: true });
  // Chunked bodies have no length: the cap counts the bytes that actually arrive.
  if (outcome === 'too-large') return refuse(413, `${rel}: ${limit}`);
  if (outcome instanceof Error)
    return reply(500, {
      ok: false,
      error: { code: 'io', message: fileProblemLine(rel, outcome, 'store the upload') },
    });
  try {
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    return reply(500, {
      ok: false,
      error: { code: 'io', message: fileProblemLine(rel, err, 'store the upload') },
    });
  }
  reply(200, { ok: true, result: { path: dest, batch, folder: path.join(home.root, 'uploads', batch) } });
}

/**
 * The relative path an upload is stored under: '/'- or '\'-separated, with empty, '.' and '..'
 * parts dropped, so it always stays inside the batch folder.
 */
export function uploadRelPath(name: string): string | { problem: string } {
  if (name.includes('\0')) return { problem: 'upload name holds a NUL character' };
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.' && p !== '..');
  if (parts.length === 0) return { problem: 'POST a file with ?name=' };
  const long = parts.find((p) => Buffer.byteLength(p) > MAX_NAME_BYTES);
  if (long !== undefined) return { problem: `upload name part is longer than ${MAX_NAME_BYTES} bytes: ${long.slice(0, 40)}…` };
  return parts.join(path.sep);
}

/** Copies the body into the file, counting bytes; stops reading as soon as the cap is passed. */
function receive(req: IncomingMessage, out: WriteStream, maxBytes: number): Promise<'done' | 'too-large' | Error> {
  return new Promise((resolve) => {
    let received = 0;
    let outcome: 'done' | 'too-large' | Error | null = null;
    const stop = (why: 'too-large' | Error) => {
      if (outcome !== null) return;
      outcome = why;
      req.off('data', onData);
      req.pause();
      out.destroy();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return stop('too-large');
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    };
    req.on('data', onData);
    req.once('end', () => {
      if (outcome === null) out.end();
    });
    req.once('aborted', () => stop(new Error('the sender stopped')));
    req.once('error', (err) => stop(err));
    // The file is closed (finished, failed or destroyed) before the caller removes or renames it.
    finished(out, (err) => {
      if (outcome === null && err) outcome = err;
      resolve(outcome ?? 'done');
    });
  });
}

function formatLimit(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}
