// Turning what the user dropped (files and folders) or picked in a file input into paths the
// core can read. Electron gives real paths (window.studioHost.pathForFile); the browser studio
// cannot see paths, so it walks dropped folders and uploads the bytes to the server, which
// answers with the paths it wrote (under <home>/uploads/<batch>/, folder structure kept).
import { defaultDatasetName as coreDefaultDatasetName, folderOfPath } from '../../../src-main/core/input/dataset-name';
import { TOKEN_HEADER, uploadUrl, type Envelope, type UploadResult } from '../../../src-main/core/contract/wire';
import { studioToken } from './studio';

export interface PickedFile {
  file: File;
  /** Path relative to what was dropped, top folder included: "shoot/day1/a.jpg" or "a.jpg". */
  relPath: string;
}

/** What a drop or a file input yielded, before any upload. */
export type Dropped = { kind: 'paths'; paths: string[] } | { kind: 'files'; files: PickedFile[] };

export interface ResolvedDrop {
  /** Paths to hand to the contract (files, or the top folders when a folder was dropped). */
  paths: string[];
  /** When exactly one folder was dropped: its path (batch input keeps its structure). */
  folder: string | null;
  /** A name for a new dataset or job: the folder's or the first file's name. */
  suggestedName: string;
  /** The one folder that was dropped (its name), when the drop was a single folder. */
  topFolder: string | null;
  count: number;
}

type Entry = FileSystemEntry;

function readAllEntries(dir: FileSystemDirectoryEntry): Promise<Entry[]> {
  const reader = dir.createReader();
  const all: Entry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: Entry, prefix: string, out: PickedFile[]): Promise<void> {
  const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relPath: rel });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) {
      if (!child.name.startsWith('.')) await walk(child, rel, out);
    }
  }
}

/**
 * Must be called synchronously inside the drop handler (the DataTransfer empties afterwards);
 * returns a promise for the walk of dropped folders.
 */
export function readDataTransfer(dt: DataTransfer): Promise<Dropped> {
  const host = window.studioHost;
  if (host) {
    const paths = [...dt.files].map((f) => host.pathForFile(f)).filter((p) => p !== '');
    return Promise.resolve({ kind: 'paths', paths });
  }
  const entries: Entry[] = [];
  const loose: PickedFile[] = [];
  for (const item of [...dt.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push({ file, relPath: file.webkitRelativePath || file.name });
    }
  }
  return (async () => {
    const files = [...loose];
    for (const e of entries) await walk(e, '', files);
    return { kind: 'files', files };
  })();
}

/** From an <input type="file"> (with or without webkitdirectory). */
export function readFileList(list: FileList): Dropped {
  const host = window.studioHost;
  const files = [...list];
  if (host) {
    // A directory input lists the files; their common top folder is what the user picked.
    const paths = files.map((f) => host.pathForFile(f)).filter((p) => p !== '');
    return { kind: 'paths', paths };
  }
  return { kind: 'files', files: files.map((file) => ({ file, relPath: file.webkitRelativePath || file.name })) };
}

function topSegment(rel: string): string | null {
  const i = rel.indexOf('/');
  return i > 0 ? rel.slice(0, i) : null;
}

function lastSegment(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

/**
 * A new dataset's default name: the core's one rule (input/dataset-name.ts, the CLI's too) over the
 * folders the images came from: a dropped or chosen path's (a folder, or an image's folder), an
 * uploaded file's top folder, none for a loose uploaded file (the browser does not say its folder).
 */
export function defaultDatasetName(d: Dropped, today: Date = new Date()): string {
  const folders = d.kind === 'paths' ? d.paths.map(folderOfPath) : d.files.map((f) => topSegment(f.relPath));
  return coreDefaultDatasetName(folders, today);
}

export interface UploadProgress {
  done: number;
  total: number;
  bytes: number;
}

async function uploadOne(batch: string, f: PickedFile): Promise<UploadResult> {
  const res = await fetch(uploadUrl({ batch, name: f.relPath }), {
    method: 'POST',
    headers: { [TOKEN_HEADER]: studioToken ?? '', 'content-type': 'application/octet-stream' },
    body: f.file,
  });
  const body = (await res.json().catch(() => null)) as Envelope<UploadResult> | null;
  if (!body) throw new Error(`${f.relPath}: upload failed (HTTP ${res.status})`);
  if (!body.ok) throw new Error(body.error.message);
  return body.result;
}

/** Paths for the contract: as-is in Electron, uploaded (4 at a time) in the browser studio. */
export async function resolveDropped(dropped: Dropped, onProgress?: (p: UploadProgress) => void): Promise<ResolvedDrop> {
  if (dropped.kind === 'paths') {
    const single = dropped.paths.length === 1 ? dropped.paths[0]! : null;
    // A single dropped path may be a folder; the core walks folders, so pass it through as both.
    return {
      paths: dropped.paths,
      folder: single,
      suggestedName: defaultDatasetName(dropped),
      topFolder: single ? lastSegment(single) : null,
      count: dropped.paths.length,
    };
  }
  const files = dropped.files;
  if (files.length === 0) return { paths: [], folder: null, suggestedName: defaultDatasetName(dropped), topFolder: null, count: 0 };
  const batch = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const total = files.length;
  let done = 0;
  let bytes = 0;
  const paths: string[] = new Array<string>(total);
  let uploadRoot = '';
  let cursor = 0;
  const worker = async () => {
    while (cursor < total) {
      const i = cursor++;
      const f = files[i]!;
      const r = await uploadOne(batch, f);
      paths[i] = r.path;
      uploadRoot = r.folder;
      done++;
      bytes += f.file.size;
      onProgress?.({ done, total, bytes });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, total) }, worker));
  const tops = new Set(files.map((f) => topSegment(f.relPath)));
  const onlyTop = tops.size === 1 ? [...tops][0] : null;
  const sep = uploadRoot.includes('\\') ? '\\' : '/';
  const folder = onlyTop ? `${uploadRoot}${sep}${onlyTop}` : uploadRoot;
  return {
    // One folder dropped: hand over the folder (structure kept); loose files: the upload folder.
    paths: onlyTop ? [folder] : paths,
    folder,
    suggestedName: defaultDatasetName(dropped),
    topFolder: onlyTop ?? null,
    count: total,
  };
}

/** A short description of a drop before anything is uploaded: what and how many, and a name. */
export function describeDropped(d: Dropped): { count: number; unit: string; name: string } {
  if (d.kind === 'paths') return { count: d.paths.length, unit: d.paths.length === 1 ? 'item' : 'items', name: defaultDatasetName(d) };
  return { count: d.files.length, unit: d.files.length === 1 ? 'file' : 'files', name: defaultDatasetName(d) };
}
