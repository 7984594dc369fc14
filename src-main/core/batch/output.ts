// Writing batch outputs: atomically (imaging's writeFileAtomic: a temporary name, then a link or
// rename into place), never over an existing file unless asked, with the input's file dates.
// After a crash, the temporary files a killed process left are found and removed here.
import type { Stats } from 'node:fs';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../imaging/index.js';
import { parsePartName, writerLiveness } from '../system/part-name.js';

export async function writeOutput(file: string, bytes: Uint8Array, options: { overwrite: boolean; times?: Stats }): Promise<void> {
  await writeFileAtomic(file, bytes, { overwrite: options.overwrite });
  if (options.times) await copyTimes(file, options.times);
}

/** Gives `file` the access and modification dates of the input. */
export async function copyTimes(file: string, from: Pick<Stats, 'atime' | 'mtime'>): Promise<void> {
  try {
    await utimes(file, from.atime, from.mtime);
  } catch {
    // A file system without settable dates still gets the output.
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes the temporary files (and a pack's temporary folders) of planned outputs left by a
 * process that died mid-write. Only names of this batch's outputs are touched (any in
 * `ownedDirs`, folders only the batch writes, like a decompressed pack's), each folder is listed
 * once, and a temporary whose writer still runs (another batch on the same folder) is kept;
 * names without a writer come from older versions and count as dead (part-name.ts).
 */
export async function removePartials(outputs: Iterable<string>, ownedDirs: Iterable<string> = []): Promise<string[]> {
  const byDir = new Map<string, Set<string> | 'all'>();
  for (const d of ownedDirs) byDir.set(d, 'all');
  for (const o of outputs) {
    const dir = path.dirname(o);
    let names = byDir.get(dir);
    if (names === 'all') continue;
    if (!names) byDir.set(dir, (names = new Set()));
    names.add(path.basename(o));
  }
  const alive = writerLiveness();
  const removed: string[] = [];
  for (const [dir, names] of byDir) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue; // not created yet: nothing was written there
    }
    for (const e of entries) {
      const part = parsePartName(e);
      if (!part || (names !== 'all' && !names.has(part.base)) || alive(part)) continue;
      await rm(path.join(dir, e), { recursive: true, force: true });
      removed.push(path.join(dir, e));
    }
  }
  return removed;
}
