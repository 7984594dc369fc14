// Finds the studio's shipped resources (resources/<rel>) from wherever the code runs: the source
// tree (tests, CLI, serve through tsx), the electron-vite build (out/main) or a packaged app, whose
// resources are unpacked next to app.asar so sharp and the model loader can read them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findResourceDir(
  rel: string,
  accept: (dir: string) => boolean = existsSync,
  env: NodeJS.ProcessEnv = process.env,
  from = path.dirname(fileURLToPath(import.meta.url)),
): string | null {
  const candidates: string[] = [];
  if (env.LATENT_STUDIO_RESOURCES) candidates.push(path.join(env.LATENT_STUDIO_RESOURCES, rel));
  for (let dir = from; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'resources', rel));
    if (path.dirname(dir) === dir) break;
  }
  for (const c of candidates) {
    const unpacked = c.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    for (const dir of [unpacked, c]) if (existsSync(dir) && accept(dir)) return dir;
  }
  return null;
}
