// Who may use the served studio. `serve` prints (and opens) a one-time launch link; the browser
// that opens it gets an HttpOnly, SameSite=Strict session cookie and from then on loads the page
// with it. API calls carry the per-launch token (header, or the page's meta tag) or that cookie.
// Nothing unauthenticated ever answers with the token: another local process that can reach the
// port gets no further than the "open the launch link" page.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Query parameter of the launch link: `/?launch=SECRET`. */
export const LAUNCH_PARAM = 'launch';

export interface ServerAuth {
  readonly token: string;
  /** A fresh one-time secret for a launch link. */
  newLaunchSecret(): string;
  /** True once per secret: a spent or unknown secret is refused. */
  redeemLaunch(secret: string): boolean;
  /** The Set-Cookie value that gives the browser its session. */
  sessionCookie(): string;
  /** Whether the request carries our session cookie. */
  hasSession(req: IncomingMessage): boolean;
  /** Whether `given` is the per-launch token. */
  tokenOk(given: string | string[] | null | undefined): boolean;
}

/**
 * `port` is read lazily: it is known only after listen. The cookie is named after the port
 * because browsers share cookies between all ports of a host, and two studios on one machine
 * must not overwrite each other's session.
 */
export function createAuth(token: string, port: () => number): ServerAuth {
  const unspent = new Set<string>();
  const cookieName = () => `latent-studio-${port()}`;
  return {
    token,
    newLaunchSecret() {
      const secret = randomBytes(24).toString('base64url');
      unspent.add(secret);
      return secret;
    },
    redeemLaunch(secret) {
      for (const s of unspent) {
        if (sameSecret(s, secret)) {
          unspent.delete(s);
          return true;
        }
      }
      return false;
    },
    sessionCookie() {
      return `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    },
    hasSession(req) {
      const value = readCookie(req.headers.cookie, cookieName());
      return value !== null && sameSecret(value, token);
    },
    tokenOk(given) {
      return typeof given === 'string' && sameSecret(given, token);
    },
  };
}

/** Whether an Authorization header is `Bearer <token>` (a training host's token, docs/security.md section 5). */
export function bearerOk(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  return m !== null && sameSecret(m[1]!, token);
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The origins the studio's own page can have: the loopback names of our port. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

/**
 * A request from a page of another origin (another site, or another server on this machine,
 * which browsers count as the same site for cookies) is refused. Browsers send Origin on every
 * POST; clients that send none are not browsers and still need the token.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin === undefined || ownOrigins(port).includes(origin);
}

/** DNS-rebinding guard: only our own loopback host names, with our port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}
