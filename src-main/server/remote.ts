// The training host's routes (/remote/v1/, core/remote/protocol.ts), served by `serve
// --token-file F`: another studio sends images by content, starts trainings, follows their
// events and fetches the model. Every request needs `Authorization: Bearer <token>`; a request
// from a web page (any Origin header) is refused, so no browser page can drive it. The Host
// header is not checked here: the token is the defence (docs/security.md section 5).
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWireError } from '../core/contract/errors.js';
import { trainingHost } from '../core/remote/host.js';
import { contentHash, hostTrainRequest, MAX_BLOB_BYTES, missingRequest, REMOTE_PREFIX, type HostEvent } from '../core/remote/protocol.js';
import type { Studio } from '../core/studio.js';
import { bearerOk } from './auth.js';
import { BodyTooLarge, readJson, sendJson, STATUS } from './body.js';
import { refuseAndClose } from './refuse.js';

/** A comment line on quiet event streams, so proxies and clients' idle timers keep them open. */
const KEEP_ALIVE_MS = 15_000;

export async function handleRemote(req: IncomingMessage, res: ServerResponse, url: URL, studio: Studio, token: string): Promise<void> {
  const refuse = (status: number, message: string) =>
    refuseAndClose(req, res, status, { ok: false, error: { code: status === 404 ? 'not-found' : 'bad-request', message } });
  if (req.headers.origin !== undefined) return refuse(403, 'the training host answers studios, not web pages');
  if (!bearerOk(req.headers.authorization, token)) return refuse(401, 'missing or wrong training-host token');
  const host = trainingHost(studio.context);
  const rest = url.pathname.slice(REMOTE_PREFIX.length).split('/');
  const ok = (result: unknown) => sendJson(res, 200, { ok: true, result });
  const json = async (): Promise<unknown> => readJson(req);

  try {
    if (rest[0] === 'blobs' && rest[1] === 'missing' && rest.length === 2 && req.method === 'POST') {
      const body = missingRequest.safeParse(await json());
      if (!body.success) return refuse(400, `bad request: ${body.error.issues[0]?.message ?? 'invalid'}`);
      return ok({ missing: await host.missing(body.data.hashes) });
    }
    if (rest[0] === 'blobs' && rest.length === 2 && req.method === 'PUT') {
      const hash = contentHash.safeParse(rest[1]);
      if (!hash.success) return refuse(400, `${rest[1]}: ${hash.error.issues[0]?.message ?? 'not a content hash'}`);
      if (Number(req.headers['content-length'] ?? 0) > MAX_BLOB_BYTES) return refuse(413, `image ${hash.data}: larger than 512 MB`);
      return ok(await host.receive(hash.data, req));
    }
    if (rest[0] === 'train' && rest.length === 1 && req.method === 'POST') {
      const body = hostTrainRequest.safeParse(await json());
      if (!body.success)
        return refuse(400, `bad training request: ${body.error.issues[0]?.path.join('.')}: ${body.error.issues[0]?.message}`);
      return ok(await host.train(body.data));
    }
    const jobId = rest[0] === 'train' && rest.length === 3 && /^[1-9]\d{0,15}$/.test(rest[1]!) ? Number(rest[1]) : undefined;
    if (jobId === undefined || !host.ownsJob(jobId)) return refuse(404, `no such training on this host: ${url.pathname}`);
    if (rest[2] === 'events' && req.method === 'GET') return events(req, res, studio, jobId);
    if (rest[2] === 'cancel' && req.method === 'POST') return ok({ cancelled: await host.cancel(jobId) });
    if (rest[2] === 'model' && req.method === 'GET') {
      const file = await host.exportModelOf(jobId);
      const size = (await stat(file)).size;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
      const stream = createReadStream(file);
      stream.pipe(res);
      await new Promise<void>((resolve) => res.once('close', () => resolve()));
      stream.destroy();
      await rm(file, { force: true });
      return;
    }
    return refuse(404, `no such training-host route: ${req.method ?? ''} ${url.pathname}`);
  } catch (err) {
    if (err instanceof BodyTooLarge) return refuse(413, err.message);
    if (res.headersSent) return void res.destroy();
    const error = toWireError(err);
    // Closed after the answer: an upload refused midway is not read on.
    return refuseAndClose(req, res, STATUS[error.code], { ok: false, error });
  }
}

/**
 * One training's events as Server-Sent Events, ending with its trainFinished: the protocol's
 * names (remote/protocol.ts) for this studio's train job events, its acknowledged pauses and
 * resumes as trainProgress 'state' payloads.
 */
function events(req: IncomingMessage, res: ServerResponse, studio: Studio, jobId: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
  let ended = false;
  const send = (ev: HostEvent) => {
    if (ended) return;
    res.write(`data: ${JSON.stringify(ev)}\n\n`);
    if (ev.name === 'trainFinished') finish();
  };
  // Subscribed before the job's state is read, so an end between the two is not missed.
  const offs = [
    studio.on('jobProgress', (e) => {
      if (e.kind === 'train' && e.jobId === jobId) send({ name: 'trainProgress', payload: e.payload });
    }),
    studio.on('jobState', (e) => {
      if (e.kind === 'train' && e.jobId === jobId && (e.state === 'paused' || e.state === 'running'))
        send({ name: 'trainProgress', payload: { jobId, kind: 'state', state: e.state } });
    }),
    studio.on('jobFinished', (e) => {
      if (e.kind === 'train' && e.jobId === jobId) send({ name: 'trainFinished', payload: e.payload });
    }),
  ];
  const off = () => offs.forEach((o) => o());
  const timer = setInterval(() => res.write(': alive\n\n'), KEEP_ALIVE_MS);
  const finish = () => {
    ended = true;
    off();
    clearInterval(timer);
    res.end();
  };
  req.on('close', () => {
    if (!ended) finish();
  });
  const end = trainingHost(studio.context).endOf(jobId);
  if (end) send(end);
}
