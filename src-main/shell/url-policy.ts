// Which URLs the Electron window may show, navigate to or hand to the system browser. Pure
// functions (no 'electron' import) so test/shell checks them without the Electron binary.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type UrlCheck = (url: string) => boolean;

/**
 * Our renderer: in development the dev server's exact origin (a string prefix would let
 * http://localhost:5173 match http://localhost:51730); packaged, a file:// URL inside the
 * renderer folder (a prefix without the trailing separator would let /app/renderer-evil pass).
 */
export function makeOurUrlCheck(where: { devUrl?: string | undefined; rendererDir: string }): UrlCheck {
  if (where.devUrl) {
    const devOrigin = new URL(where.devUrl).origin;
    return (url) => parse(url)?.origin === devOrigin;
  }
  const root = path.resolve(where.rendererDir) + path.sep;
  return (url) => {
    const u = parse(url);
    if (!u || u.protocol !== 'file:' || u.host !== '') return false;
    let file: string;
    try {
      // Decodes %-escapes and refuses encoded separators, so the check sees the real path.
      file = fileURLToPath(u);
    } catch {
      return false;
    }
    return path.resolve(file).startsWith(root);
  };
}

/** will-navigate, will-redirect, will-frame-navigate: the window never leaves our renderer. */
export function navigationAllowed(url: string, isOurUrl: UrlCheck): boolean {
  return isOurUrl(url);
}

/**
 * Outside pages the studio may open in the system browser without asking. The renderer links
 * to none today; add exact https origins here when it does. Any other https link is opened only
 * after the user confirms it (the dialog shows the whole URL); anything else never.
 */
export const EXTERNAL_ORIGINS: readonly string[] = [];

export type ExternalDecision = 'open' | 'ask' | 'deny';

export function externalLinkDecision(url: string, allowed: readonly string[] = EXTERNAL_ORIGINS): ExternalDecision {
  const u = parse(url);
  // No credentials in links we hand on: https://bank.example@evil.example/ reads like a bank.
  if (!u || u.protocol !== 'https:' || u.username !== '' || u.password !== '') return 'deny';
  return allowed.includes(u.origin) ? 'open' : 'ask';
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
