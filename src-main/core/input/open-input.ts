// THE policy for opening a file the user named (import, compress, decompress, training images):
// symbolic links are resolved, then the target must be a regular file; its size is checked
// against a limit before a byte is read; it is opened non-blocking (a FIFO swapped in after the
// check can never hang the read) and the open handle is checked to be the file that was checked;
// then at most the checked size is read, through that handle. Callers probe the head (the image
// type, the .latent magic) before asking for the whole file.
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, open, readlink, stat, type FileHandle } from 'node:fs/promises';
import { StudioError, type StudioErrorCode } from '../contract/errors.js';
import { errnoOf, problemText } from './file-problem.js';
import { fsPathOf, showBytes, showPath } from './names.js';

/**
 * Largest image file read: 512 MiB, the server's upload cap too. A 100-megapixel 8-bit TIFF
 * without compression is 300 MB; photos are far smaller.
 */
export const MAX_IMAGE_FILE_BYTES = 512 * 1024 * 1024;

export interface InputLimits {
  /** Refuse files larger than this many bytes (checked before reading). */
  maxBytes: number;
  /** What the limit is for, in the message: "an image file". */
  what?: string;
  /** The reason given when the path is a folder (default "is a folder"). */
  folder?: string;
}

export interface CheckedInput {
  /** The path as the studio shows it (names.ts): the user's path, or its `\xHH` form. */
  path: string;
  /** What the file system is given. */
  fsPath: string | Buffer;
  stats: Stats;
}

/** How `p` is shown in messages: the shown form of the bytes it resolves to. */
export function shownOf(fsPath: string | Buffer): string {
  return typeof fsPath === 'string' ? showPath(fsPath) : showBytes(fsPath);
}

/** Why reading failed, worded as every file problem is (file-problem.ts). */
const reasonOf = (err: unknown, shown: string): string => problemText(err, shown, 'read');

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Binary units, as `ls -lh` and file managers on Linux show sizes. */
function mib(bytes: number): string {
  const [v, unit] = bytes >= 1 << 30 ? [bytes / (1 << 30), 'GiB'] : [bytes / (1 << 20), 'MiB'];
  return `${Number(v.toFixed(v < 10 ? 2 : 1))} ${unit}`;
}

/** A refusal under the policy: `${path}: ${reason}`, with the reason kept apart for callers that word their own line. */
export class InputError extends StudioError {
  constructor(
    code: StudioErrorCode,
    readonly path: string,
    readonly reason: string,
  ) {
    super(code, `${path}: ${reason}`);
  }
}

function refuse(code: StudioErrorCode, shown: string, reason: string): InputError {
  return new InputError(code, shown, reason);
}

/**
 * Resolves `file` (a studio path, or bytes from a folder listing) and checks its type only:
 * through symbolic links, it must be a regular file. Nothing is opened.
 */
export async function resolveRegular(file: string | Buffer, folder = 'is a folder'): Promise<CheckedInput> {
  const fsPath = typeof file === 'string' ? fsPathOf(file) : file;
  const shown = shownOf(fsPath);
  let link: Stats;
  try {
    link = await lstat(fsPath);
  } catch (err) {
    throw refuse('not-found', shown, reasonOf(err, shown));
  }
  let st = link;
  let via = '';
  if (link.isSymbolicLink()) {
    const target = await readlink(fsPath, { encoding: 'buffer' }).then(showBytes, () => '?');
    via = `a symbolic link to ${target}`;
    try {
      st = await stat(fsPath);
    } catch (err) {
      throw refuse('not-found', shown, errnoOf(err) === 'ENOENT' ? `broken symbolic link (to ${target})` : reasonOf(err, shown));
    }
  }
  if (st.isDirectory()) throw refuse('bad-request', shown, folder);
  if (!st.isFile()) throw refuse('bad-request', shown, `not a regular file (${via ? `${via}, ` : ''}${kindOf(st)})`);
  return { path: shown, fsPath, stats: st };
}

/** Checks `file` under the policy without opening it. Throws a one-line StudioError naming the file. */
export async function checkInput(file: string | Buffer, limits: InputLimits): Promise<CheckedInput> {
  const checked = await resolveRegular(file, limits.folder);
  const { path: shown, stats: st } = checked;
  if (st.size === 0) throw refuse('bad-request', shown, 'empty file (0 bytes)');
  if (st.size > limits.maxBytes) {
    throw refuse(
      'bad-request',
      shown,
      `${mib(st.size)}, over the ${mib(limits.maxBytes)} limit for ${limits.what ?? 'an input file'} (not read)`,
    );
  }
  return checked;
}

/** An input opened under the policy. Close it (or use readInput, which does). */
export interface InputHandle extends CheckedInput {
  /** Up to `length` bytes from `position`, never past the checked size. */
  read(position: number, length: number): Promise<Buffer>;
  /** The whole file: exactly the checked size, or an error if it changed meanwhile. */
  readAll(): Promise<Buffer>;
  close(): Promise<void>;
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export async function openInput(file: string | Buffer, limits: InputLimits): Promise<InputHandle> {
  const checked = await checkInput(file, limits);
  const { path: shown, stats } = checked;
  let fh: FileHandle;
  try {
    fh = await open(checked.fsPath, OPEN_FLAGS);
  } catch (err) {
    throw refuse(errnoOf(err) === 'ENOENT' ? 'not-found' : 'io', shown, reasonOf(err, shown));
  }
  try {
    const now = await fh.stat();
    // Swapped between the check and the open (for a FIFO, a device, another file): refused.
    if (!now.isFile() || now.ino !== stats.ino || now.dev !== stats.dev) {
      throw refuse('conflict', shown, 'changed while being opened (not read)');
    }
  } catch (err) {
    await fh.close();
    throw err;
  }
  const size = stats.size;
  const read = async (position: number, length: number): Promise<Buffer> => {
    const n = Math.max(0, Math.min(length, size - position));
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    try {
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (err) {
      throw refuse('io', shown, reasonOf(err, shown));
    }
    return got === n ? buf : buf.subarray(0, got);
  };
  return {
    ...checked,
    read,
    async readAll() {
      const bytes = await read(0, size);
      if (bytes.length !== size) throw refuse('conflict', shown, `changed while being read (${bytes.length} of ${size} bytes)`);
      return bytes;
    },
    close: () => fh.close(),
  };
}

const checkedOf = (h: InputHandle): CheckedInput => ({ path: h.path, fsPath: h.fsPath, stats: h.stats });

/** The whole file under the policy. */
export async function readInput(file: string | Buffer, limits: InputLimits): Promise<{ input: CheckedInput; bytes: Buffer }> {
  const h = await openInput(file, limits);
  try {
    return { input: checkedOf(h), bytes: await h.readAll() };
  } finally {
    await h.close();
  }
}
