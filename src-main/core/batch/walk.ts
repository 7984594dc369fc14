// Expands a batch's inputs (files and folders) into the list of files to process: folders are
// walked recursively in a stable order (names sorted by code unit, the same on every run, so a
// resumed job plans the same items), hidden files and folders are skipped, and only files of the
// batch's kind are taken from folders. Files named explicitly are always taken.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BatchFailure, BatchKind } from '../contract/batch.js';
import { statInput } from '../input-path.js';

/** Image types sharp decodes that a folder walk picks up for compression. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.png',
  '.webp',
  '.avif',
  '.tif',
  '.tiff',
  '.gif',
  '.heic',
  '.heif',
]);
export const LATENT_EXTENSION = '.latent';

export interface WalkedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the folder input it was found under ('/'-separated); the name for a file input. */
  rel: string;
  bytes: number;
}

export interface WalkResult {
  files: WalkedFile[];
  failed: BatchFailure[];
}

function wanted(kind: BatchKind, name: string): boolean {
  const ext = path.extname(name).toLowerCase();
  return kind === 'compress' ? IMAGE_EXTENSIONS.has(ext) : ext === LATENT_EXTENSION;
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Whether `inner` is `outer` or inside it. */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Walks the inputs. `exclude` names folders never entered (the output folder when it lies inside
 * an input folder, so earlier outputs are not taken as inputs).
 */
export async function walkInputs(inputs: string[], kind: BatchKind, exclude: string[] = []): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const failed: BatchFailure[] = [];
  const seen = new Set<string>();
  const add = (file: string, rel: string, bytes: number) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push({ path: file, rel, bytes });
  };

  async function walkDir(root: string, dir: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      failed.push({ path: dir, error: `${dir}: cannot list folder (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    entries.sort(byName);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        // Linked files are taken; linked folders are not entered (they can make cycles).
        const st = await stat(full).catch(() => undefined);
        isFile = st?.isFile() ?? false;
        isDir = false;
      }
      if (isDir) {
        if (exclude.some((x) => isInside(full, x))) continue;
        await walkDir(root, full);
      } else if (isFile && wanted(kind, e.name)) {
        const st = await stat(full).catch(() => undefined);
        if (st) add(full, path.relative(root, full).split(path.sep).join('/'), st.size);
        // A file gone between listing and stat is simply not part of the batch.
      }
    }
  }

  for (const raw of inputs) {
    const input = path.resolve(raw);
    const found = await statInput(input);
    if ('error' in found) {
      failed.push({ path: input, error: found.error });
      continue;
    }
    if (found.stats.isDirectory()) await walkDir(input, input);
    else add(input, path.basename(input), found.stats.size);
  }
  return { files, failed };
}
