// Decoding image files into 8-bit pixels through sharp, the one place that knows how:
// EXIF orientation applied, converted to sRGB, gray/RGB as asked (through pixels.ts), clear
// one-line errors. Files are read under the input policy (input/open-input.ts) and handed to
// sharp as bytes, so sharp never opens a user's path itself.
import type { Stats } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../contract/errors.js';
import { MAX_IMAGE_FILE_BYTES, openInput } from '../input/open-input.js';
import { IMAGE_HEAD_BYTES, sniffImage, type ImageType } from './image-type.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import { toChannels, type Channels, type RawImage } from './pixels.js';

export interface ImageInfo {
  width: number;
  height: number;
  /** Channels after decoding (1 gray, 3 RGB, 4 with alpha; 2 gray+alpha reported as 4). */
  channels: Channels;
  hasAlpha: boolean;
  format: string;
  bytes: number;
  /** Bits per sample of the source (8 or 16). */
  bitDepth: number;
  pages: number;
  /** EXIF orientation 1-8, when present. */
  orientation?: number;
  space?: string;
}

export interface ReadOptions {
  /**
   * 'keep' what the file has (gray, RGB, or RGBA; gray+alpha becomes RGBA), or 1 gray, 3 RGB, 4 RGBA
   * converted from it by the one pixel conversion (pixels.ts: its luma, alpha dropped unblended).
   * Default 'keep'.
   */
  channels?: Channels | 'keep';
  /** Refuse images with more pixels than this (decompression bombs). Default DEFAULT_MAX_PIXELS. */
  maxPixels?: number;
}

// One default for every decode path (contract/limits.ts).
export { DEFAULT_MAX_PIXELS };

/** A one-line reason for a sharp failure, naming the file. */
export function describeImageError(file: string, err: unknown): StudioError {
  const msg = err instanceof Error ? err.message : String(err);
  const base = path.basename(file);
  let reason = msg.split('\n')[0] ?? msg;
  if (/unsupported image format/i.test(msg)) reason = 'not an image or unsupported format';
  else if (/premature end|truncated|VipsJpeg: Premature|corrupt|Invalid|improper/i.test(msg))
    reason = `corrupt or truncated image (${reason})`;
  else if (/pixel limit/i.test(msg)) reason = 'image too large (pixel limit exceeded)';
  return new StudioError('bad-request', `${file}: ${reason}`.replace(file, file.length > 200 ? base : file), { cause: err });
}

export interface LoadedImageFile {
  /** The path as shown in messages (see input/names.ts). */
  path: string;
  bytes: Buffer;
  type: ImageType;
  stats: Stats;
}

/**
 * An image file's bytes under the input policy (input/open-input.ts): a regular file within the
 * size limit, its type told from its head before the rest is read. Nothing is decoded here.
 */
export async function loadImageFile(file: string, options: { maxBytes?: number } = {}): Promise<LoadedImageFile> {
  const h = await openInput(file, { maxBytes: options.maxBytes ?? MAX_IMAGE_FILE_BYTES, what: 'an image file' });
  try {
    const sniffed = sniffImage(await h.read(0, IMAGE_HEAD_BYTES));
    if ('other' in sniffed) {
      throw sniffed.other === 'svg'
        ? new StudioError('unsupported', `${h.path}: unsupported image format (svg)`)
        : new StudioError('bad-request', `${h.path}: not an image or unsupported format`);
    }
    return { path: h.path, bytes: await h.readAll(), type: sniffed.type, stats: h.stats };
  } finally {
    await h.close();
  }
}

export async function imageInfo(file: string, already?: LoadedImageFile): Promise<ImageInfo> {
  const loaded = already ?? (await loadImageFile(file));
  const bytes = loaded.stats.size;
  try {
    // Header only: the pixel count is known before anything decodes.
    const m = await sharp(loaded.bytes, { limitInputPixels: false }).metadata();
    if (!m.width || !m.height || !m.format) throw new Error('unsupported image format');
    const rotated = (m.orientation ?? 1) >= 5;
    const hasAlpha = Boolean(m.hasAlpha);
    const base = m.channels === 1 || m.channels === 2 ? 1 : 3;
    const depth = m.depth === 'ushort' || m.depth === 'short' ? 16 : 8;
    return {
      width: rotated ? m.height : m.width,
      height: rotated ? m.width : m.height,
      channels: hasAlpha ? 4 : (base as Channels),
      hasAlpha,
      format: m.format,
      bytes,
      bitDepth: depth,
      pages: m.pages ?? 1,
      ...(m.orientation ? { orientation: m.orientation } : {}),
      ...(m.space ? { space: m.space } : {}),
    };
  } catch (err) {
    throw describeImageError(loaded.path, err);
  }
}

/** Decodes a file (or an in-memory buffer, `file` then only names it in errors). */
export async function readImage(file: string, options: ReadOptions = {}, buffer?: Buffer): Promise<RawImage> {
  let label = file;
  if (!buffer) ({ bytes: buffer, path: label } = await loadImageFile(file));
  const want = options.channels ?? 'keep';
  try {
    let img = sharp(buffer, {
      limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
      failOn: 'error',
    }).rotate();
    // sharp decodes to what the file has (in sRGB); any other channel count comes from pixels.ts,
    // the conversion compression and metrics use too, so every path sees the same pixels.
    const m = await sharp(buffer).metadata();
    const gray = m.channels === 1 || m.channels === 2;
    if (m.hasAlpha) img = img.toColourspace('srgb').ensureAlpha();
    else img = gray ? img.toColourspace('b-w').extractChannel(0) : img.toColourspace('srgb').removeAlpha();
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = info.channels as number;
    if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`unexpected channel count ${channels}`);
    const decoded: RawImage = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels,
    };
    return want === 'keep' ? decoded : toChannels(decoded, want);
  } catch (err) {
    throw describeImageError(label, err);
  }
}
