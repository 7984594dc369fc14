// .latent files on disk: clear errors for missing files and folders, the common header without
// reading the whole file, and packs opened for random access (header, then only the block asked for).
// The bytes are read under the input policy (input/open-input.ts) and parsed by codec/.
import { StudioError } from '../contract/errors.js';
import { openInput, readInput, resolveRegular } from '../input/open-input.js';
import { readAnySingle, readLatentHead, type AnySingleLatent, type V2Ref } from '../codec/any-latent.js';
import {
  COMMON_HEADER_MAX,
  LatentFormatError,
  readPackBlock,
  readPackHeader,
  type CodeParams,
  type PackBlock,
  type PackHeader,
} from '../codec/container.js';
import { readPackV2, type V2Pack } from '../codec/container-v2.js';

/** Under the input policy (input/open-input.ts): a regular file, through links, not empty. */
async function checkFile(file: string): Promise<number> {
  const { stats } = await resolveRegular(file, 'is a folder (give .latent files)');
  if (stats.size === 0) throw new LatentFormatError('not-latent', `${file}: not a .latent file (empty)`);
  return stats.size;
}

const LATENT_LIMITS = { maxBytes: Number.MAX_SAFE_INTEGER, what: 'a .latent file', folder: 'is a folder (give .latent files)' };

/** Bytes of a range, opened under the input policy (non-blocking, checked to be the file stat-ed). */
async function readRange(file: string, start: number, length: number): Promise<Uint8Array> {
  const fh = await openInput(file, LATENT_LIMITS);
  try {
    return await fh.read(start, length);
  } finally {
    await fh.close();
  }
}

/** Model and code settings of a file or pack, from its first few hundred bytes. */
export async function peekLatent(file: string): Promise<{ params: CodeParams | V2Ref; pack: boolean; bytes: number }> {
  const size = await checkFile(file);
  const head = await readRange(file, 0, Math.min(size, COMMON_HEADER_MAX));
  return { ...readLatentHead(head, size, file), bytes: size };
}

export async function readSingleFile(file: string): Promise<AnySingleLatent> {
  await checkFile(file);
  const { bytes } = await readInput(file, { ...LATENT_LIMITS, maxBytes: MAX_V2_PACK_BYTES });
  return readAnySingle(bytes, file);
}

/** Largest format-v2 pack read into memory at once (its images are decoded one by one). */
export const MAX_V2_PACK_BYTES = 1 << 30;

/** A format-v2 pack, checked and indexed (its blocks' checks run as images are taken). */
export async function readPackV2File(file: string): Promise<V2Pack> {
  const size = await checkFile(file);
  if (size > MAX_V2_PACK_BYTES)
    throw new StudioError('bad-request', `${file}: a ${size}-byte pack is over the ${MAX_V2_PACK_BYTES}-byte limit`);
  return readPackV2((await readInput(file, { ...LATENT_LIMITS, maxBytes: MAX_V2_PACK_BYTES })).bytes, file);
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
