// Finds the built-in sample dataset (resources/sample/digits) from wherever the code runs: the
// source tree (tests, CLI, serve through tsx), the electron-vite build (out/main) or a packaged
// app, whose resources are unpacked next to app.asar so sharp can read them.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAMPLE_DATASET = 'Sample digits';
export const SAMPLE_SOURCE =
  "400 handwritten digits (20x20) cut from OpenCV's digits.png, Apache-2.0 AND BSD-3-Clause (see resources/sample/SOURCES.md)";
const SAMPLE_REL = path.join('resources', 'sample', 'digits');

export function findSampleDir(env: NodeJS.ProcessEnv = process.env, from = path.dirname(fileURLToPath(import.meta.url))): string | null {
  const candidates: string[] = [];
  if (env.LATENT_STUDIO_RESOURCES) candidates.push(path.join(env.LATENT_STUDIO_RESOURCES, 'sample', 'digits'));
  for (let dir = from; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, SAMPLE_REL));
    if (path.dirname(dir) === dir) break;
  }
  for (const c of candidates) {
    const unpacked = c.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    for (const dir of [unpacked, c]) if (existsSync(dir) && countImages(dir) > 0) return dir;
  }
  return null;
}

export function countImages(dir: string): number {
  try {
    return readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).length;
  } catch {
    return 0;
  }
}
