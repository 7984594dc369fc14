// Expands the paths given to an import into image files: folders recursively (hidden entries
// and files without an image extension left out), files as given whatever their name, so a
// mislabelled file the user chose is reported rather than silently ignored.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { statInput } from '../../input-path.js';

/** Extensions picked up inside folders; formats sharp cannot decode here are still reported as failures. */
export const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.avif',
  '.gif',
  '.tif',
  '.tiff',
  '.bmp',
  '.heic',
  '.heif',
]);

export interface CollectedFiles {
  /** Absolute paths, deduplicated, in a stable order (inputs in order, folders sorted). */
  files: string[];
  /** Inputs that could not be read at all. */
  missing: { path: string; error: string }[];
}

function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

async function walkFolder(root: string, out: string[]): Promise<void> {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // an unreadable subfolder is skipped; the user's chosen folder itself was stat-ed already
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      // Symlinked folders are not followed (no loops); symlinked files are.
      if (e.isDirectory()) subdirs.push(full);
      else if ((e.isFile() || e.isSymbolicLink()) && isImageName(e.name)) out.push(full);
    }
    // Reverse so popping visits subfolders in name order.
    stack.push(...subdirs.reverse());
  }
}

export async function collectFiles(inputs: readonly string[]): Promise<CollectedFiles> {
  const found: string[] = [];
  const missing: CollectedFiles['missing'] = [];
  for (const raw of inputs) {
    const p = path.resolve(raw);
    const input = await statInput(p);
    if ('error' in input) {
      missing.push({ path: p, error: input.error });
      continue;
    }
    if (input.stats.isDirectory()) await walkFolder(p, found);
    else found.push(p);
  }
  return { files: [...new Set(found)], missing };
}
