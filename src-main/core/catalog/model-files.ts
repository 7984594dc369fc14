// The files of a saved model folder, listed the same way for the catalog record and for export.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelFile } from './types.js';

/** Regular files under `dir`, recursively, sorted, with '/'-separated relative paths. Hidden files are left out. */
export function listModelFiles(dir: string): ModelFile[] {
  const out: ModelFile[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push({ path: child, bytes: statSync(path.join(dir, child)).size });
    }
  };
  walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
