// The browser studio: serves the built renderer and the contract over HTTP (POST per method)
// with Server-Sent Events for core events. Loopback only; every API call carries the
// per-launch token the page receives in a meta tag.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMethodName } from '../core/api.js';
import { toWireError, type StudioErrorCode } from '../core/contract/errors.js';
import { API_PREFIX, EVENTS_PATH, TOKEN_HEADER, type Envelope, type WireEvent } from '../core/contract/wire.js';
import type { Studio } from '../core/studio.js';
import { handleUpload, UPLOAD_PATH } from './upload.js';
import { serveStatic, rendererDirCandidates } from './static.js';

export interface ServerOptions {
  studio: Studio;
  host?: string;
  port?: number;
  /** Folder with the built renderer (index.html); found automatically when omitted. */
  rendererDir?: string;
  /** Fixed token (tests); random per launch otherwise. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

const STATUS: Record<StudioErrorCode, number> = {
  'bad-request': 400,
  'not-found': 404,
  conflict: 409,
  unsupported: 501,
  cancelled: 499,
  io: 500,
  internal: 500,
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { studio } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = options.rendererDir ?? rendererDirCandidates().find(Boolean);
  const sseClients = new Set<ServerResponse>();

  const unsubscribe = studio.on((name, payload) => {
    const data = `data: ${JSON.stringify({ name, payload } satisfies WireEvent)}\n\n`;
    for (const res of sseClients) res.write(data);
  });

  const server = createServer((req, res) => {
    void route(req, res).catch((err: unknown) => sendJson(res, 500, { ok: false, error: toWireError(err) }));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // DNS-rebinding guard: only our own loopback origin may talk to us.
    if (!hostAllowed(req.headers.host)) return sendJson(res, 403, { ok: false, error: { code: 'bad-request', message: 'forbidden host' } });

    if (url.pathname === EVENTS_PATH) {
      if (!tokenOk(url.searchParams.get('token'))) return unauthorized(res);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (url.pathname === UPLOAD_PATH) {
      if (!tokenOk(req.headers[TOKEN_HEADER])) return unauthorized(res);
      return handleUpload(req, res, studio.home);
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      if (!tokenOk(req.headers[TOKEN_HEADER])) return unauthorized(res);
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'bad-request', message: 'use POST' } });
      const name = url.pathname.slice(API_PREFIX.length);
      if (!isMethodName(name)) return sendJson(res, 404, { ok: false, error: { code: 'not-found', message: `unknown method ${name}` } });
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (err) {
        return sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: (err as Error).message } });
      }
      try {
        const result = await studio.call(name, body);
        return sendJson(res, 200, { ok: true, result } satisfies Envelope<unknown>);
      } catch (err) {
        const error = toWireError(err);
        return sendJson(res, STATUS[error.code], { ok: false, error } satisfies Envelope<unknown>);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { ok: false, error: { code: 'bad-request', message: 'method not allowed' } });
    return serveStatic(req, res, url.pathname, rendererDir, token);
  }

  function tokenOk(given: string | string[] | undefined | null): boolean {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  let port = options.port ?? 0;
  function hostAllowed(h: string | undefined): boolean {
    if (!h) return false;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(h);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host === 'localhost' ? '127.0.0.1' : host;

  return {
    url: `http://${urlHost}:${port}/`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const res of sseClients) res.end();
      sseClients.clear();
      // close() waits for every connection to end, and a page's EventSource reconnects at once:
      // stop listening, then drop all connections, then wait.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function unauthorized(res: ServerResponse): void {
  sendJson(res, 401, { ok: false, error: { code: 'bad-request', message: 'missing or wrong studio token' } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('request body is not valid JSON');
  }
}
