// The browser studio: serves the built renderer and the contract over HTTP (POST per method)
// with Server-Sent Events for core events. Loopback only; the page is handed out only to the
// browser that opened the one-time launch link, and every API call carries the per-launch
// token (or that browser's session cookie). A training host (serve --token-file) also answers
// other studios on /remote/v1/, from any address it listens on, with its token. See docs/security.md.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMethodName } from '../core/api.js';
import { toWireError } from '../core/contract/errors.js';
import { API_PREFIX, EVENTS_PATH, TOKEN_HEADER, type Envelope, type WireEvent } from '../core/contract/wire.js';
import type { Studio } from '../core/studio.js';
import { createAuth, hostAllowed, LAUNCH_PARAM, originAllowed } from './auth.js';
import { BodyTooLarge, readJson, sendJson, STATUS } from './body.js';
import { refuseAndClose } from './refuse.js';
import { handleRemote } from './remote.js';
import { REMOTE_PREFIX } from '../core/remote/protocol.js';
import { handleUpload, MAX_UPLOAD_BYTES, UPLOAD_PATH } from './upload.js';
import { serveStatic, rendererDirCandidates } from './static.js';

export interface ServerOptions {
  studio: Studio;
  host?: string;
  port?: number;
  /** Folder with the built renderer (index.html); found automatically when omitted. */
  rendererDir?: string;
  /** Fixed token (tests); random per launch otherwise. */
  token?: string;
  /** Largest upload in bytes (default 512 MB; tests use a small one). */
  maxUploadBytes?: number;
  /**
   * The training host's token (serve --token-file): other studios holding it may train here
   * through /remote/v1/ (server/remote.ts). Absent: those routes do not exist.
   */
  hostToken?: string;
}

export interface RunningServer {
  /** The studio's address; without a session it answers "open the launch link". */
  url: string;
  /** One-time link that gives the browser opening it a session (`serve` prints and opens it). */
  launchUrl: string;
  port: number;
  token: string;
  /** Another one-time launch link (for a second browser, or a test's fresh browser context). */
  newLaunchUrl(): string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { studio } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const rendererDir = options.rendererDir ?? rendererDirCandidates().find(Boolean);
  const sseClients = new Set<ServerResponse>();
  // The port is known after listen; no request is routed before that.
  let port = options.port ?? 0;
  const auth = createAuth(token, () => port);

  const unsubscribe = studio.on((name, payload) => {
    const data = `data: ${JSON.stringify({ name, payload } satisfies WireEvent)}\n\n`;
    for (const res of sseClients) res.write(data);
  });

  const server = createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { ok: false, error: toWireError(err) });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseUrl(req.url);
    if (!url) return refuseAndClose(req, res, 400, { ok: false, error: { code: 'bad-request', message: 'bad request URL' } });
    // Other studios, from any address the server listens on: the token is their only way in.
    if (options.hostToken !== undefined && url.pathname.startsWith(REMOTE_PREFIX))
      return handleRemote(req, res, url, studio, options.hostToken);
    // DNS-rebinding guard: only our own loopback origin may talk to us.
    if (!hostAllowed(req.headers.host, port)) return refuseAndClose(req, res, 403, forbidden('forbidden host'));
    // Pages of other origins (other sites, other local servers) get nothing, not even a GET.
    if (!originAllowed(req.headers.origin, port)) return refuseAndClose(req, res, 403, forbidden('forbidden origin'));
    const authenticated = (given: string | string[] | null | undefined) => auth.tokenOk(given) || auth.hasSession(req);

    if (url.pathname === '/' && url.searchParams.has(LAUNCH_PARAM)) return launch(req, res, url.searchParams.get(LAUNCH_PARAM) ?? '');
    if (url.pathname === EVENTS_PATH) {
      if (!authenticated(url.searchParams.get('token'))) return unauthorized(req, res);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (url.pathname === UPLOAD_PATH) {
      if (!authenticated(req.headers[TOKEN_HEADER])) return unauthorized(req, res);
      return handleUpload(req, res, studio.home, url, maxUploadBytes);
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      if (!authenticated(req.headers[TOKEN_HEADER])) return unauthorized(req, res);
      if (req.method !== 'POST') return refuseAndClose(req, res, 405, { ok: false, error: { code: 'bad-request', message: 'use POST' } });
      const name = url.pathname.slice(API_PREFIX.length);
      if (!isMethodName(name))
        return refuseAndClose(req, res, 404, { ok: false, error: { code: 'not-found', message: `unknown method ${name}` } });
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (err) {
        const status = err instanceof BodyTooLarge ? 413 : 400;
        return refuseAndClose(req, res, status, { ok: false, error: { code: 'bad-request', message: (err as Error).message } });
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
      return refuseAndClose(req, res, 405, { ok: false, error: { code: 'bad-request', message: 'method not allowed' } });
    return serveStatic(req, res, url.pathname, { rendererDir, token, authenticated: auth.hasSession(req) });
  }

  /** `/?launch=SECRET`: spend the secret, set the session cookie, and show the page without it. */
  function launch(req: IncomingMessage, res: ServerResponse, secret: string): void {
    // A browser that already has the session (the link opened twice in it) just goes on.
    const ok = req.method === 'GET' && (auth.hasSession(req) || auth.redeemLaunch(secret));
    if (!ok) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
      res.end('This launch link was already used or is wrong: restart `latent-studio serve` for a new one.\n');
      return;
    }
    // 303 to "/" drops the secret from the address bar and history; the #route is kept by the browser.
    res.writeHead(303, {
      location: '/',
      'set-cookie': auth.sessionCookie(),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // The browser studio answers on loopback names only (hostAllowed): bound wider, its link is still 127.0.0.1.
  const urlHost = host === '::1' ? '[::1]' : '127.0.0.1';
  const base = `http://${urlHost}:${port}/`;
  const newLaunchUrl = () => `${base}?${LAUNCH_PARAM}=${auth.newLaunchSecret()}`;

  return {
    url: base,
    launchUrl: newLaunchUrl(),
    port,
    token,
    newLaunchUrl,
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

function unauthorized(req: IncomingMessage, res: ServerResponse): void {
  refuseAndClose(req, res, 401, { ok: false, error: { code: 'bad-request', message: 'missing or wrong studio token' } });
}

function forbidden(message: string): Envelope<never> {
  return { ok: false, error: { code: 'bad-request', message } };
}

/** The request target as a URL, or null when it cannot be one. */
function parseUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}
