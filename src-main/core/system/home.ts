// Where the studio keeps its catalog, models and caches. One place computes it so the CLI,
// the server and the Electron app agree (the app's userData dir is the same folder).
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const APP_ID = 'latent-studio';

export interface StudioHome {
  root: string;
  catalogFile: string;
  modelsDir: string;
  thumbnailsDir: string;
  latentsDir: string;
  tmpDir: string;
}

/** Default home when neither --home nor LATENT_STUDIO_HOME is given: the desktop app's data dir. */
export function defaultHomeDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const h = os.homedir();
  if (platform === 'darwin') return path.join(h, 'Library', 'Application Support', APP_ID);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(h, 'AppData', 'Roaming'), APP_ID);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(h, '.config'), APP_ID);
}

export function resolveHomeDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.LATENT_STUDIO_HOME ?? defaultHomeDir(env);
  return path.resolve(chosen);
}

export function studioHome(root: string): StudioHome {
  return {
    root,
    catalogFile: path.join(root, 'catalog.sqlite'),
    modelsDir: path.join(root, 'models'),
    thumbnailsDir: path.join(root, 'cache', 'thumbnails'),
    latentsDir: path.join(root, 'latents'),
    tmpDir: path.join(root, 'tmp'),
  };
}

/** Creates the home folders (idempotent). */
export function ensureHome(home: StudioHome): StudioHome {
  for (const dir of [home.root, home.modelsDir, home.thumbnailsDir, home.latentsDir, home.tmpDir]) {
    mkdirSync(dir, { recursive: true });
  }
  return home;
}
