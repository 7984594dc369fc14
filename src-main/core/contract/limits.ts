// Limits every path that decodes a user's image or .latent file applies, defined once (browser-safe:
// the renderer shows them). Decoding costs about 30 bytes of memory per pixel, so the default
// keeps one image near 1.2 GB; `--max-pixels N` (maxPixels in a request) raises or lowers it for
// import, compress and every decompress path alike.

/** Largest image decoded unless asked otherwise: 40 megapixels. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * Largest value --max-pixels / maxPixels accepts, and so the largest image a .latent file may
 * declare (codec/container.ts): a file the studio could write is one it can read.
 */
export const MAX_PIXELS_SETTING = 1_000_000_000;

/**
 * Pixels a batch's worker pool codes at once (batch/pixel-budget.ts; a bigger image waits, then
 * runs alone). Measured: about 35 bytes per pixel in flight, ~140 MB per worker (tfjs and the
 * model) and ~200 MB for the main thread, so two workers stay under 1.3 GB whatever the folder
 * holds, while two photos of up to 10 megapixels still run side by side.
 */
export const POOL_PIXEL_BUDGET = 20_000_000;

/** How every over-the-limit message ends; the studio's forms put their own setting's name in its place. */
export const RAISE_PIXEL_LIMIT = 'raise the limit with --max-pixels N';

/**
 * Largest value of the studio's "Largest image" setting (settings.json), the default limit of
 * every request that gives none: 400 megapixels, some 12 GB of memory while one such image is
 * decoded and coded (30 bytes a pixel). More would swap or be killed on a desktop; a machine built
 * for it passes --max-pixels (up to MAX_PIXELS_SETTING) per command.
 */
export const MAX_PIXELS_STUDIO_SETTING = 400_000_000;

/** The studio's words for RAISE_PIXEL_LIMIT where a view shows the message without a field of its own. */
export const RAISE_PIXEL_LIMIT_IN_STUDIO = "raise 'Largest image' in Settings";

/** A core message as the studio shows it: the setting it has in place of the CLI's flag. */
export function pixelLimitInStudio(message: string): string {
  return message.replace(RAISE_PIXEL_LIMIT, RAISE_PIXEL_LIMIT_IN_STUDIO);
}

/**
 * A pack's images together may hold at most this many times the per-image limit (default
 * 4 gigapixels, some 330 photos of 12 megapixels): decoding them is one job's time and disk.
 */
export const PACK_PIXELS_FACTOR = 100;

/** The pixel budget of a whole pack for a per-image limit. */
export function packPixelLimit(maxPixels: number): number {
  return maxPixels * PACK_PIXELS_FACTOR;
}
