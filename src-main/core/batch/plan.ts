// Output names for a batch: the input folder's structure mirrored under the output folder, each
// file named <stem><suffix>.<ext>. Two inputs that would write the same output are reported, and
// no output may be one of the inputs (originals are never written to).
import path from 'node:path';
import type { BatchFailure, BatchKind } from '../contract/batch.js';
import { outputNameProblem } from '../system/output-name.js';
import type { WalkedFile } from '../input/walk.js';

export interface PlannedItem {
  /** Absolute input path; also the item's key in the job record. */
  input: string;
  /** Absolute output path. For a decompressed pack, the folder is this path without its extension. */
  output: string;
  bytes: number;
}

export interface PlanOptions {
  kind: BatchKind;
  outDir: string;
  suffix?: string;
  format?: 'png' | 'jpeg' | 'webp';
}

export function outputExtension(kind: BatchKind, format: PlanOptions['format']): string {
  if (kind === 'compress') return '.latent';
  return format === 'jpeg' ? '.jpg' : `.${format ?? 'png'}`;
}

export function outputFor(file: Pick<WalkedFile, 'rel'>, options: PlanOptions): string {
  const rel = path.posix.parse(file.rel);
  const name = `${rel.name}${options.suffix ?? ''}${outputExtension(options.kind, options.format)}`;
  return path.join(options.outDir, ...rel.dir.split('/').filter(Boolean), name);
}

/** Where a decompressed pack's images go: the planned output without its extension. */
export function packFolderOf(output: string): string {
  return output.slice(0, output.length - path.extname(output).length);
}

export function planOutputs(files: WalkedFile[], options: PlanOptions): { items: PlannedItem[]; failed: BatchFailure[] } {
  const items: PlannedItem[] = [];
  const failed: BatchFailure[] = [];
  const inputs = new Set(files.map((f) => f.path));
  // Case-folded, so two names differing only in case collide as they do on macOS and Windows.
  const byOutput = new Map<string, string>();
  for (const f of files) {
    const output = outputFor(f, options);
    // Refused now, not after the work: a name the file system would reject with ENAMETOOLONG.
    const unwritable = outputNameProblem(f.path, output);
    if (unwritable) {
      failed.push({ path: f.path, error: unwritable });
      continue;
    }
    const key = output.toLowerCase();
    const first = byOutput.get(key);
    if (first !== undefined) {
      failed.push({ path: f.path, error: `${f.path}: its output ${output} would collide with that of ${first} (rename one of them)` });
      continue;
    }
    if (inputs.has(output)) {
      failed.push({ path: f.path, error: `${f.path}: its output ${output} is one of the inputs, which are never overwritten` });
      continue;
    }
    byOutput.set(key, f.path);
    items.push({ input: f.path, output, bytes: f.bytes });
  }
  return { items, failed };
}
