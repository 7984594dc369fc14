// An image file made ready for coding: read once under the input policy, refused from its header
// when over the pixel limit, decoded, its metadata kept; codec/compress.ts's prepareRaw does the rest.
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import { imageInfo, loadImageFile, readImage } from '../imaging/index.js';
import { checkImagePixels } from '../imaging/pixel-limit.js';
import { prepareRaw, type PreparedImage } from '../codec/compress.js';
import { readSourceMetadata } from '../codec/metadata.js';
import type { CodecModel } from '../codec/model.js';

/** Reads an image for coding; one over `maxPixels` is refused from its header, before decoding. */
export async function prepareFile(
  model: CodecModel,
  file: string,
  keepMetadata = true,
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<PreparedImage> {
  // One read of the file under the input policy; header, pixels and metadata all come from it.
  const loaded = await loadImageFile(file);
  const info = await imageInfo(file, loaded);
  checkImagePixels(loaded.path, info.width, info.height, maxPixels);
  const raw = await readImage(loaded.path, { channels: 'keep', maxPixels }, loaded.bytes);
  const meta = keepMetadata ? await readSourceMetadata(loaded.bytes) : {};
  return prepareRaw(model, raw, meta);
}
