// Thumbnails cached on disk under <home>/cache/thumbnails, named by content hash so the same
// image in two datasets shares one file. The renderer cannot read files: it gets them as base64.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError, toWireError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS, describeImageError, loadImageFile, writeFileAtomic } from '../imaging/index.js';
import type { ImageRecord } from './types.js';

export const THUMBNAIL_SIZE = 128;
export const THUMBNAIL_MIME = 'image/webp';

export function thumbnailPath(dir: string, hash: string): string {
  return path.join(dir, hash.slice(0, 2), `${hash}.webp`);
}

/** Decodes the whole image (so a truncated file fails here) and returns a small WebP; `maxPixels` is the import's limit. */
export async function renderThumbnail(file: string, bytes: Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<Buffer> {
  try {
    return await sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  } catch (err) {
    throw describeImageError(file, err);
  }
}

export async function saveThumbnail(dir: string, hash: string, webp: Buffer): Promise<void> {
  const file = thumbnailPath(dir, hash);
  if (!existsSync(file)) await writeFileAtomic(file, webp, { overwrite: true });
}

/** The cached thumbnail, re-made from the original when the cache was cleared. */
export async function loadThumbnail(dir: string, image: ImageRecord): Promise<Buffer> {
  const file = thumbnailPath(dir, image.hash);
  try {
    return await readFile(file);
  } catch {
    // fall through: rebuild from the original
  }
  let bytes: Buffer;
  try {
    // The original is a user's file: read under the input policy (input/open-input.ts).
    bytes = (await loadImageFile(image.path)).bytes;
  } catch (err) {
    throw new StudioError('not-found', `${toWireError(err).message} (its thumbnail is not cached, and the original is needed to make it)`);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== image.hash) {
    throw new StudioError('conflict', `${image.path}: the file changed since it was imported`);
  }
  // An image the catalog holds was admitted at its size (an import may have raised the limit for it).
  const webp = await renderThumbnail(image.path, bytes, Math.max(DEFAULT_MAX_PIXELS, image.width * image.height));
  await saveThumbnail(dir, image.hash, webp);
  return webp;
}

export async function removeThumbnails(dir: string, hashes: Iterable<string>): Promise<number> {
  let removed = 0;
  for (const h of hashes) {
    const file = thumbnailPath(dir, h);
    if (existsSync(file)) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
