// Which Chromium the end-to-end tests drive: $LATENT_STUDIO_CHROMIUM, then Debian's
// /usr/bin/chromium, then Playwright's own download (undefined lets Playwright choose).
import { existsSync } from 'node:fs';

export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.LATENT_STUDIO_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`LATENT_STUDIO_CHROMIUM=${fromEnv}: no such file`);
    return fromEnv;
  }
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(candidate)) return candidate;
  return undefined;
}
