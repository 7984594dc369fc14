// Expands the paths given to an import (or an evaluation on paths) into image files, through the
// studio's one folder walk (input/walk.ts): folders recursively, files as given whatever their
// name, so a mislabelled file the user chose is reported rather than silently ignored.
import { walkInputs } from '../../input/walk.js';

export interface CollectedFiles {
  /** Absolute paths (shown form, input/names.ts), deduplicated, in a stable order (inputs in order, folders sorted). */
  files: string[];
  /** Inputs and folder entries that cannot be used (missing, not a regular file, a folder that cannot be listed). */
  missing: { path: string; error: string }[];
}

export async function collectFiles(inputs: readonly string[]): Promise<CollectedFiles> {
  const r = await walkInputs(inputs, 'images');
  return { files: r.files.map((f) => f.path), missing: r.failed };
}
