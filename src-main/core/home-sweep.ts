// Removes what a killed process left half-written in the studio home: writeFileAtomic's
// `.<name>.<hex>.part` files (thumbnails, caches, exports) and model-io's `<id>.part-<pid>-<ms>`
// folders. Another process may be writing into the same home right now, so a temporary is only
// removed once it is clearly stale: its writer's pid is gone, or it is older than STALE_MS.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StudioHome } from './home.js';

export const STALE_MS = 15 * 60_000;
const PART_FILE = /^\..+\.[0-9a-f]{12}\.part$/;
const PART_DIR = /\.part-(\d+)-\d+$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
  const roots = [path.join(home.root, 'cache'), home.modelsDir, home.latentsDir, home.tmpDir];
  for (const root of roots) {
    for await (const e of walk(root, 3)) {
      try {
        const pidMatch = e.isDir ? PART_DIR.exec(e.name) : null;
        const stale = pidMatch
          ? !alive(Number(pidMatch[1])) || now - (await stat(e.full)).mtimeMs > STALE_MS
          : !e.isDir && PART_FILE.test(e.name) && now - (await stat(e.full)).mtimeMs > STALE_MS;
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
