// Removes what a killed process left half-written in the studio home: writeFileAtomic's
// `.<name>.<writer>.part` files (thumbnails, caches, exports) and model-io's `<id>.part-<pid>-<ms>`
// folders. Another process may be writing into the same home right now, so a temporary is only
// removed once its writer is dead: the process its name records (pid and start time, see
// part-name.ts) is gone, a zombie, or another process now. Names that record no start time
// (model folders) or no writer at all (files from older versions) also go once older than STALE_MS.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isProcessAlive } from './process-alive.js';
import type { StudioHome } from './home.js';
import { parsePartName, writerLiveness } from './part-name.js';

export const STALE_MS = 15 * 60_000;
const PART_DIR = /\.part-(\d+)-\d+$/;

async function* walk(dir: string, depth: number): AsyncGenerator<{ full: string; name: string; isDir: boolean }> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // a folder that does not exist yet holds nothing to sweep
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    yield { full, name: e.name, isDir: e.isDirectory() };
    if (e.isDirectory() && depth > 0 && !PART_DIR.test(e.name)) yield* walk(full, depth - 1);
  }
}

/** Returns the paths it removed. Never throws: a sweep that fails only leaves litter. */
export async function sweepStaleTemporaries(home: StudioHome, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const alive = writerLiveness();
  const old = async (file: string) => now - (await stat(file)).mtimeMs > STALE_MS;
  const roots = [path.join(home.root, 'cache'), home.modelsDir, home.latentsDir, home.tmpDir];
  for (const root of roots) {
    for await (const e of walk(root, 3)) {
      try {
        const pidMatch = e.isDir ? PART_DIR.exec(e.name) : null;
        const part = pidMatch ? undefined : parsePartName(e.name);
        let stale: boolean;
        if (pidMatch) stale = !isProcessAlive(Number(pidMatch[1])) || (await old(e.full));
        else if (part?.owner) stale = alive(part) === false;
        else stale = part !== undefined && !e.isDir && (await old(e.full));
        if (!stale) continue;
        await rm(e.full, { recursive: true, force: true });
        removed.push(e.full);
      } catch {
        // vanished meanwhile, or not ours to remove
      }
    }
  }
  return removed;
}
