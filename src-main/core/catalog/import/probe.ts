// Reads what the catalog records about one image file (size, channels, format) and renders its
// thumbnail, which decodes every pixel: a file that gets through here is readable for training.
import sharp from 'sharp';
import { StudioError } from '../../contract/errors.js';
import { DEFAULT_MAX_PIXELS, describeImageError } from '../../imaging/index.js';
import { checkImagePixels } from '../../imaging/pixel-limit.js';
import { renderThumbnail } from '../thumbnails.js';

/** Formats the studio trains on (sharp also reads SVG, PDF and the like: not photos). */
export const IMPORTABLE_FORMATS = new Set(['jpeg', 'png', 'webp', 'avif', 'heif', 'gif', 'tiff']);

export interface ProbedImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  format: string;
  thumbnail: Buffer;
}

export async function probeImage(file: string, bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<ProbedImage> {
  if (bytes.length === 0) throw new StudioError('bad-request', `${file}: empty file (0 bytes)`);
  let meta: sharp.Metadata;
  try {
    // Header only (limitInputPixels off): the size is checked below with the studio's own message.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw describeImageError(file, err);
  }
  const format = meta.format ?? 'unknown';
  if (!IMPORTABLE_FORMATS.has(format)) throw new StudioError('unsupported', `${file}: unsupported image format (${format})`);
  if (!meta.width || !meta.height) throw new StudioError('bad-request', `${file}: image has no size`);
  // Before the thumbnail decodes anything: the same pixel budget as compress and decompress.
  checkImagePixels(file, meta.width, meta.height, maxPixels);
  const thumbnail = await renderThumbnail(file, bytes, maxPixels);
  // Same rules as imaging's imageInfo: EXIF orientation 5-8 swaps the sides; gray+alpha counts as 4.
  const rotated = (meta.orientation ?? 1) >= 5;
  const gray = meta.channels === 1 || meta.channels === 2;
  return {
    width: rotated ? meta.height : meta.width,
    height: rotated ? meta.width : meta.height,
    channels: meta.hasAlpha ? 4 : gray ? 1 : 3,
    format: format === 'heif' && meta.compression === 'av1' ? 'avif' : format,
    thumbnail,
  };
}
