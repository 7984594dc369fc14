// The pixel budget, checked against the sizes a file declares (a .latent header or an image's own
// header) before anything is decoded: a tiny file that claims a huge image is refused at once
// instead of costing minutes and gigabytes. One message for every path, naming the file, the
// size, the limit and the setting that raises it.
import { StudioError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS, packPixelLimit, RAISE_PIXEL_LIMIT } from '../contract/limits.js';

/** '50.0 megapixels', '1.01 megapixels' below ten (so a size just over a limit reads so), or the exact count below a tenth of one. */
function size(px: number): string {
  if (px < 100_000) return `${px} pixels`;
  return `${(px / 1e6).toFixed(px < 10_000_000 ? 2 : 1)} megapixels`;
}

const RAISE = `about 30 bytes of memory per pixel; ${RAISE_PIXEL_LIMIT}`;
const PACK_FACTOR_TEXT = `${packPixelLimit(1)} times the per-image limit`;

/** Refuses an image over `maxPixels`; returns its pixels. `label` names the file (and image). */
export function checkImagePixels(label: string, width: number, height: number, maxPixels = DEFAULT_MAX_PIXELS): number {
  const px = width * height;
  if (px > maxPixels) {
    throw new StudioError('bad-request', `${label}: ${width}x${height} is ${size(px)}, over the limit of ${size(maxPixels)} (${RAISE})`);
  }
  return px;
}

/** Refuses a pack with an image over `maxPixels`, or whose images together exceed packPixelLimit. */
export function checkPackPixels(
  file: string,
  images: ReadonlyArray<{ index: number; width: number; height: number }>,
  maxPixels = DEFAULT_MAX_PIXELS,
): number {
  let total = 0;
  for (const e of images) total += checkImagePixels(`${file} image ${e.index}`, e.width, e.height, maxPixels);
  const limit = packPixelLimit(maxPixels);
  if (total > limit) {
    throw new StudioError(
      'bad-request',
      `${file}: its ${images.length} images hold ${size(total)}, over the pack limit of ${size(limit)} (${PACK_FACTOR_TEXT}; ${RAISE})`,
    );
  }
  return total;
}
