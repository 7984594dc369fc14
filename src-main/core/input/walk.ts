// THE folder walk for every job that takes files and folders (import, compress and decompress
// batches, evaluation on paths): folders are listed as bytes (a name that is not UTF-8 is kept,
// shown `\xHH`), recursively, in a stable order (shown names sorted by code unit, the same on
// every run, so a resumed job plans the same items); hidden entries are skipped and only files of
// the wanted type are taken from folders. Every entry that has the type's name but cannot be used
// (a link to a device, a FIFO, a broken link) and every folder that cannot be listed is reported,
// never dropped. Files named directly are taken whatever their name, once checked to be regular.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { toWireError } from '../contract/errors.js';
import { fileProblemLine } from './file-problem.js';
import { fsPathOf, showBytes } from './names.js';
import { InputError, resolveRegular, shownOf } from './open-input.js';
import { IMAGE_EXTENSIONS, LATENT_EXTENSION } from './extensions.js';

export type WalkKind = 'images' | 'latents';

export interface WalkedFile {
  /** Absolute path, shown form (input/names.ts). */
  path: string;
  /** Path relative to the folder input it was found under ('/'-separated, shown form); the name for a file input. */
  rel: string;
  bytes: number;
}

export interface WalkProblem {
  path: string;
  /** One line naming the path and the problem. */
  error: string;
}

export interface WalkResult {
  files: WalkedFile[];
  failed: WalkProblem[];
}

function wanted(kind: WalkKind, name: string): boolean {
  const ext = path.extname(name).toLowerCase();
  return kind === 'images' ? IMAGE_EXTENSIONS.has(ext) : ext === LATENT_EXTENSION;
}

/** Whether `inner` is `outer` or inside it. */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const SEP = Buffer.from(path.sep);
const DOT = 0x2e;

/**
 * Walks the inputs. `exclude` names folders never entered (a batch's output folder when it lies
 * inside an input folder, so earlier outputs are not taken as inputs).
 */
export async function walkInputs(inputs: readonly string[], kind: WalkKind, exclude: readonly string[] = []): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const failed: WalkProblem[] = [];
  const seen = new Set<string>();
  const add = (shown: string, rel: string, bytes: number) => {
    if (seen.has(shown)) return;
    seen.add(shown);
    files.push({ path: shown, rel, bytes });
  };
  const report = (shown: string, error: string) => {
    if (seen.has(shown)) return;
    seen.add(shown);
    failed.push({ path: shown, error });
  };

  async function walkDir(dir: Buffer, rel: string): Promise<void> {
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      const shown = showBytes(dir);
      report(shown, fileProblemLine(shown, err, 'list folder'));
      return;
    }
    const named = entries.map((e) => ({ e, name: showBytes(e.name) }));
    named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { e, name } of named) {
      if (e.name[0] === DOT) continue;
      const full = Buffer.concat([dir, SEP, e.name]);
      const shown = showBytes(full);
      const relName = rel ? `${rel}/${name}` : name;
      if (e.isDirectory()) {
        if (!exclude.some((x) => isInside(shown, x))) await walkDir(full, relName);
        continue;
      }
      if (e.isSymbolicLink()) {
        // Linked folders are not entered (they can make cycles); linked files are taken once checked.
        const target = await stat(full).catch(() => undefined);
        if (target?.isDirectory()) continue;
      }
      if (!wanted(kind, name)) continue;
      if (e.isFile()) {
        const st = await stat(full).catch(() => undefined);
        // A file gone between listing and stat is simply not part of the job.
        if (st) add(shown, relName, st.size);
        continue;
      }
      try {
        const checked = await resolveRegular(full);
        add(shown, relName, checked.stats.size);
      } catch (err) {
        report(shown, toWireError(err).message);
      }
    }
  }

  for (const raw of inputs) {
    const fsPath = fsPathOf(path.resolve(raw));
    const shown = shownOf(fsPath);
    const st = await stat(fsPath).catch((err: unknown) => err as NodeJS.ErrnoException);
    if (st instanceof Error) {
      if (st.code === 'ENOENT' || st.code === 'ENOTDIR') {
        // A dangling link says so; a plain missing path keeps the short reason.
        const reason = await resolveRegular(fsPath).then(
          () => 'no such file',
          (err: unknown) => (err instanceof InputError ? err.reason : 'no such file'),
        );
        report(shown, `${shown}: ${reason === 'no such file' ? 'no such file or folder' : reason}`);
      } else report(shown, fileProblemLine(shown, st));
      continue;
    }
    if (st.isDirectory()) {
      await walkDir(typeof fsPath === 'string' ? Buffer.from(fsPath, 'utf8') : fsPath, '');
      continue;
    }
    try {
      const checked = await resolveRegular(fsPath);
      add(shown, path.basename(shown), checked.stats.size);
    } catch (err) {
      report(shown, toWireError(err).message);
    }
  }
  return { files, failed };
}
