// Rates as DESIGN.md section 6 defines them. bpp counts the whole file (container header, index
// and side data included). Effective bpp charges the decoder too: its weight bytes are needed to
// decode at all, so spread over the pixels of the images it serves they are a real cost that
// shrinks as the set grows.

export function bitsPerPixel(bytes: number, width: number, height: number): number {
  if (!(width > 0 && height > 0)) throw new RangeError(`bpp needs a positive size, got ${width}x${height}`);
  if (!(bytes >= 0)) throw new RangeError(`bpp needs a byte count >= 0, got ${bytes}`);
  return (bytes * 8) / (width * height);
}

/** Original file bytes / compressed bytes (how many times smaller than what the user had). */
export function compressionRatio(originalBytes: number, compressedBytes: number): number {
  if (!(compressedBytes > 0)) throw new RangeError(`compressed size must be > 0, got ${compressedBytes}`);
  return originalBytes / compressedBytes;
}

/** Raw 24-bit RGB bytes (width x height x 3) / compressed bytes. */
export function rawRatio(width: number, height: number, compressedBytes: number): number {
  return compressionRatio(width * height * 3, compressedBytes);
}

/**
 * bpp with the decoder's weight bytes spread over the pixels of every image it serves:
 * bpp + decoderBytes * 8 / pixelsServed. For N images of W x H, pixelsServed = N * W * H.
 */
export function effectiveBpp(bpp: number, decoderBytes: number, pixelsServed: number): number {
  if (!(pixelsServed > 0)) throw new RangeError(`pixels served must be > 0, got ${pixelsServed}`);
  return bpp + (decoderBytes * 8) / pixelsServed;
}

export interface RateSummary {
  bytes: number;
  bpp: number;
  /** Original file bytes / compressed bytes, when the original's size is known. */
  ratio?: number;
  /** Raw 24-bit bytes / compressed bytes. */
  rawRatio: number;
}

export function rateOf(bytes: number, width: number, height: number, originalBytes?: number): RateSummary {
  return {
    bytes,
    bpp: bitsPerPixel(bytes, width, height),
    ...(originalBytes !== undefined && bytes > 0 ? { ratio: compressionRatio(originalBytes, bytes) } : {}),
    rawRatio: bytes > 0 ? rawRatio(width, height, bytes) : Infinity,
  };
}
