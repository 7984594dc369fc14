// .latent files on disk: clear errors for missing files and folders, the common header without
// reading the whole file, and packs opened for random access (header, then only the block asked for).
import { open, readFile, stat } from 'node:fs/promises';
import { StudioError } from '../contract/errors.js';
import {
  COMMON_HEADER_MAX,
  LatentFormatError,
  readCommonHeader,
  readPackBlock,
  readPackHeader,
  readSingle,
  type CodeParams,
  type PackBlock,
  type PackHeader,
  type SingleLatent,
} from './container.js';

async function checkFile(file: string): Promise<number> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StudioError(
      'not-found',
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`}`,
    );
  }
  if (st.isDirectory()) throw new StudioError('bad-request', `${file}: is a folder (give .latent files)`);
  if (!st.isFile()) throw new StudioError('bad-request', `${file}: not a file`);
  if (st.size === 0) throw new LatentFormatError('not-latent', `${file}: not a .latent file (empty)`);
  return st.size;
}

async function readRange(file: string, start: number, length: number): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** Model and code settings of a file or pack, from its first few hundred bytes. */
export async function peekLatent(file: string): Promise<{ params: CodeParams; pack: boolean; bytes: number }> {
  const size = await checkFile(file);
  const head = await readRange(file, 0, Math.min(size, COMMON_HEADER_MAX));
  return { ...readCommonHeader(head, file), bytes: size };
}

export async function readSingleFile(file: string): Promise<SingleLatent> {
  await checkFile(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new StudioError('io', `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return readSingle(bytes, file);
}

/** A pack opened for random access. */
export class PackFile {
  private constructor(
    readonly file: string,
    readonly header: PackHeader,
  ) {}

  static async open(file: string): Promise<PackFile> {
    const size = await checkFile(file);
    let length = Math.min(size, 64 * 1024);
    for (;;) {
      const head = await readRange(file, 0, length);
      try {
        const header = readPackHeader(head, file);
        if (size < header.totalLength)
          throw new LatentFormatError('truncated', `${file}: truncated (${size} of ${header.totalLength} bytes)`);
        if (size > header.totalLength)
          throw new LatentFormatError('trailing', `${file}: corrupt (${size - header.totalLength} unexpected bytes after the end)`);
        return new PackFile(file, header);
      } catch (err) {
        // The header is longer than what was read: read more, up to the whole file.
        if (err instanceof LatentFormatError && err.problem === 'truncated' && length < size) {
          length = Math.min(size, length * 4);
          continue;
        }
        throw err;
      }
    }
  }

  /** Reads and verifies one block (only its bytes are read). */
  async block(b: number): Promise<PackBlock> {
    const meta = this.header.blocks[b];
    if (!meta) throw new StudioError('bad-request', `${this.file}: has no block ${b}`);
    const area = await readRange(this.file, meta.offset, meta.length);
    return readPackBlock(this.header, b, area, this.file);
  }

  /** Block holding image i. */
  blockOf(i: number): number {
    return Math.floor(i / this.header.blockSize);
  }
}
