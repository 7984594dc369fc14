// Serves the built renderer with a strict CSP; injects the per-launch token as a meta tag
// (the CSP forbids inline scripts, so the page reads it from the DOM).
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

export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  rendererDir: string | undefined,
  token: string,
): Promise<void> {
  const headers = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (!rendererDir) {
    res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end('The renderer is not built yet: run `npm run build`, then restart `latent-studio serve`.\n');
    return;
  }
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(rendererDir, rel);
  if (!file.startsWith(rendererDir + path.sep)) {
    res.writeHead(403, headers).end();
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    // Client-side routes fall back to the app shell.
    if (path.extname(rel) !== '') {
      res.writeHead(404, headers).end();
      return;
    }
    return serveStatic(req, res, '/', rendererDir, token);
  }
  const ext = path.extname(file);
  if (ext === '.html') {
    const html = body.toString('utf8').replace('<head>', `<head>\n    <meta name="${TOKEN_META}" content="${token}" />`);
    body = Buffer.from(html);
  }
  res.writeHead(200, {
    ...headers,
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-store' : 'max-age=3600',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
