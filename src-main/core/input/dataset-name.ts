// THE default name of the dataset an import creates, the same for a drop, a chosen folder, an
// upload and the CLI (browser-safe): the one folder the images came from, else "images" and the day.
import { isImageName } from './extensions.js';

/** The last segment of a path, either separator ('' for a root). */
function lastSegment(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
}

/**
 * The folder a path names when nothing says whether it is a file (a dropped path in Electron):
 * an image's folder, or the path itself.
 */
export function folderOfPath(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  if (!isImageName(lastSegment(trimmed))) return p;
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut >= 0 ? trimmed.slice(0, cut) : '';
}

/**
 * `folders`: the folder each given source came from (a folder itself, or the folder holding a
 * file), null where it is not known (a loose file the browser uploaded names no folder).
 */
export function defaultDatasetName(folders: readonly (string | null)[], today: Date = new Date()): string {
  const names = new Set(folders.map((f) => (f === null ? '' : lastSegment(f))));
  const only = names.size === 1 ? [...names][0]! : '';
  return only || `images ${today.toISOString().slice(0, 10)}`;
}
