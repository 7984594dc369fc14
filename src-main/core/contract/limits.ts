// Limits every path that decodes a user's image or .latent file applies, defined once (browser-safe:
// the renderer shows them). Decoding costs about 30 bytes of memory per pixel, so the default
// keeps one image near 1.2 GB; `--max-pixels N` (maxPixels in a request) raises or lowers it for
// import, compress and every decompress path alike.

/** Largest image decoded unless asked otherwise: 40 megapixels. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/** Largest value --max-pixels / maxPixels accepts. */
export const MAX_PIXELS_SETTING = 1_000_000_000;

/** How every over-the-limit message ends; the studio's forms put their own setting's name in its place. */
export const RAISE_PIXEL_LIMIT = 'raise the limit with --max-pixels N';

/**
 * A pack's images together may hold at most this many times the per-image limit (default
 * 4 gigapixels, some 330 photos of 12 megapixels): decoding them is one job's time and disk.
 */
export const PACK_PIXELS_FACTOR = 100;

/** The pixel budget of a whole pack for a per-image limit. */
export function packPixelLimit(maxPixels: number): number {
  return maxPixels * PACK_PIXELS_FACTOR;
}
