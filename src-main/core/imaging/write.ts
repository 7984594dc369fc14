// Encoding pixels to image files and writing files atomically: a crash or a full disk never
// leaves a half-written output, and an existing file is never replaced unless asked.
import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../contract/errors.js';
import { fileProblem } from '../input/file-problem.js';
import { crc32 } from '../system/crc32.js';
import { partName } from '../system/part-name.js';
import type { RawImage } from './pixels.js';

export type OutputFormat = 'png' | 'jpeg' | 'webp' | 'avif';

export interface EncodeOptions {
  quality?: number;
  /** Original EXIF/ICC to carry over (from the source image or a .latent metadata chunk). */
  exif?: Buffer;
  icc?: Buffer;
}

export function rawToSharp(raw: RawImage): sharp.Sharp {
  return sharp(Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength), {
    raw: { width: raw.width, height: raw.height, channels: raw.channels },
  });
}

export async function encodeImage(raw: RawImage, format: OutputFormat, options: EncodeOptions = {}): Promise<Buffer> {
  return withIcc(options.icc, async (iccPath) => {
    let img = rawToSharp(raw);
    if (raw.channels === 1) img = img.toColourspace('b-w');
    if (iccPath) img = img.withIccProfile(iccPath);
    const q = options.quality;
    switch (format) {
      case 'png':
        img = img.png({ compressionLevel: 9 });
        break;
      case 'jpeg':
        img = img.jpeg({ quality: q ?? 90, mozjpeg: true });
        break;
      case 'webp':
        img = img.webp({ quality: q ?? 90 });
        break;
      case 'avif':
        img = img.avif({ quality: q ?? 60 });
        break;
    }
    const out = await img.toBuffer();
    return options.exif ? insertExif(out, options.exif, format) : out;
  });
}

// sharp takes an ICC profile by file path; the temp file lives only for this encode.
async function withIcc<T>(icc: Buffer | undefined, fn: (iccPath: string | undefined) => Promise<T>): Promise<T> {
  if (!icc) return fn(undefined);
  const { tmpdir } = await import('node:os');
  const file = path.join(tmpdir(), `ls-icc-${randomBytes(6).toString('hex')}.icc`);
  await writeFile(file, icc);
  try {
    return await fn(file);
  } finally {
    await rm(file, { force: true });
  }
}

/**
 * Puts a raw EXIF block (as sharp's metadata().exif returns it, starting "Exif\0\0") back into
 * an encoded JPEG (APP1 segment) or PNG (eXIf chunk). Other formats are returned unchanged.
 */
export function insertExif(encoded: Buffer, exif: Buffer, format: OutputFormat): Buffer {
  const EXIF_HDR = Buffer.from('Exif\0\0', 'latin1');
  const tiff = exif.subarray(0, 6).equals(EXIF_HDR) ? exif.subarray(6) : exif;
  if (format === 'jpeg' && encoded[0] === 0xff && encoded[1] === 0xd8) {
    const len = 2 + EXIF_HDR.length + tiff.length;
    if (len > 0xffff) return encoded;
    const seg = Buffer.alloc(4);
    seg.writeUInt16BE(0xffe1, 0);
    seg.writeUInt16BE(len, 2);
    return Buffer.concat([encoded.subarray(0, 2), seg, EXIF_HDR, tiff, encoded.subarray(2)]);
  }
  if (format === 'png' && encoded.length > 33) {
    // After the 8-byte signature and the 25-byte IHDR chunk.
    const type = Buffer.from('eXIf', 'latin1');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(tiff.length, 0);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([type, tiff])), 0);
    return Buffer.concat([encoded.subarray(0, 33), head, type, tiff, crc, encoded.subarray(33)]);
  }
  return encoded;
}

/** Writes to a temporary name in the same folder, then renames into place. */
export async function writeFileAtomic(file: string, bytes: Uint8Array, options: { overwrite?: boolean } = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // The name records this process, so clean-ups of other runs leave it alone while it lives (part-name.ts).
  const tmp = path.join(path.dirname(file), partName(path.basename(file)));
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    if (options.overwrite) {
      await rename(tmp, file);
    } else {
      // link() fails with EEXIST instead of replacing: no window where an existing file is lost.
      try {
        await link(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new StudioError('conflict', `${file}: already exists (use --overwrite to replace it)`);
        }
        throw err;
      }
      await rm(tmp, { force: true });
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw fileProblem(file, err, 'write', 'io');
  }
}
