// Serves the built renderer with a strict CSP. The page (index.html and the client-side routes
// that fall back to it) carries the per-launch token as a meta tag (the CSP forbids inline
// scripts, so the page reads it from the DOM); the server hands it out only to a caller that
// holds the launch session (auth.ts). Scripts, styles and images are the public build output.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_META } from '../core/contract/wire.js';
import { CONTENT_SECURITY_POLICY } from '../core/csp.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Where the built renderer may be: out/renderer in the source tree. */
export function rendererDirCandidates(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../../out/renderer'), path.resolve(here, '../renderer')].filter((d) =>
    existsSync(path.join(d, 'index.html')),
  );
}

const HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Where the page comes from, and what it needs to know about the caller. */
export interface StaticSource {
  rendererDir: string | undefined;
  token: string;
  /** Whether the caller may have the page (and so the token). */
  authenticated: boolean;
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, source: StaticSource): Promise<void> {
  const decoded = decodePath(pathname);
  if (decoded === null) return badRequest(res, 'bad request path (a malformed % escape or a NUL)');
  const rel = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  // The page (and any client route, which falls back to it) is for the launched browser only,
  // whether or not the renderer is built: nothing about the studio is told before that.
  if (!source.authenticated && ['', '.html'].includes(path.extname(rel))) return needLaunch(req, res);
  if (!source.rendererDir) {
    res.writeHead(503, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('The renderer is not built yet: run `npm run build`, then restart `latent-studio serve`.\n');
    return;
  }
  const rendererDir = path.resolve(source.rendererDir);
  const file = path.resolve(rendererDir, rel);
  if (!file.startsWith(rendererDir + path.sep)) {
    res.writeHead(403, HEADERS).end();
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    // Client-side routes fall back to the app shell.
    if (path.extname(rel) !== '') {
      res.writeHead(404, HEADERS).end();
      return;
    }
    return serveStatic(req, res, '/', source);
  }
  const ext = path.extname(file);
  if (ext === '.html') {
    if (!source.authenticated) return needLaunch(req, res);
    const html = body.toString('utf8').replace('<head>', `<head>\n    <meta name="${TOKEN_META}" content="${source.token}" />`);
    body = Buffer.from(html);
  }
  res.writeHead(200, {
    ...HEADERS,
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-store' : 'max-age=3600',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The decoded path, or null when it has a malformed % escape or a NUL (no file has either). */
export function decodePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return decoded.includes('\0') ? null : decoded;
}

function badRequest(res: ServerResponse, message: string): void {
  res.writeHead(400, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

/** Without the launch session the page is not handed out; this says how to get in. */
function needLaunch(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(401, { ...HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : NEED_LAUNCH_PAGE);
}

const NEED_LAUNCH_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Latent Studio</title></head>
<body><h1>Open the studio with its launch link</h1>
<p>This browser has no session with this studio. Open the link <code>latent-studio serve</code> printed
when it started (it works once, in one browser). To open the studio in another browser, restart
<code>latent-studio serve</code> and use the new link.</p></body></html>
`;
