// The largest-image setting as the forms offer it (Batch's and Import's "Largest image"), in
// megapixels, within the contract's limits; and the size an over-the-limit message names.
import { MAX_PIXELS_SETTING } from '../../../src-main/core/contract/limits';

/** The range the forms offer, in megapixels. */
export const MEGAPIXEL_RANGE = { min: 1, max: MAX_PIXELS_SETTING / 1e6 } as const;

/** Megapixels (whole, rounded up) that would let the images these messages refused through, or null. */
export function megapixelsNeeded(messages: readonly string[]): number | null {
  let most = 0;
  // The core's words (imaging/pixel-limit.ts): "<file>: 8000x6000 is 48.0 megapixels, over the limit of ...".
  for (const m of messages) {
    const found = /: (\d+)x(\d+) is [\d.]+ (?:mega)?pixels, over the limit/.exec(m);
    if (found) most = Math.max(most, Number(found[1]) * Number(found[2]));
  }
  return most > 0 ? Math.min(MEGAPIXEL_RANGE.max, Math.ceil(most / 1e6)) : null;
}
