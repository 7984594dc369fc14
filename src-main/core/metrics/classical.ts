// JPEG (mozjpeg), WebP and AVIF through sharp: encode an image at a quality, decode it back the
// way a viewer would (imaging's readImage on the bytes), and measure it. Used for the
// rate-distortion sweeps and for the equal-size comparison (the encoding closest in bytes to a
// given size, found by bisection on the quality, since size grows with quality).
// Images are compared in their colour channels: an alpha plane is dropped before encoding (the
// latent codec stores alpha losslessly beside the colour, so colour is what differs).
import { readImage, rawToSharp, type RawImage } from '../imaging/index.js';
import { CLASSICAL_CODECS, type ClassicalCodec } from './codecs.js';
import { msssim } from './msssim.js';
import { colorOnly } from '../imaging/pixels.js';
import { psnr } from '../imaging/psnr.js';
import { bitsPerPixel } from './rate.js';
import { ssim } from './ssim.js';
import { MAX_PIXELS_SETTING } from '../contract/limits.js';

export interface QualityMetrics {
  psnr: number;
  msssim: number;
  /** Only when asked for (it costs as much again as MS-SSIM). */
  ssim?: number;
}

export interface MetricOptions {
  ssim?: boolean;
}

/** The distortion metrics of a reconstruction against its reference. */
export function measureQuality(ref: RawImage, recon: RawImage, options: MetricOptions = {}): QualityMetrics {
  return {
    psnr: psnr(ref, recon),
    msssim: msssim(ref, recon),
    ...(options.ssim ? { ssim: ssim(ref, recon) } : {}),
  };
}

export interface ClassicalPoint extends QualityMetrics {
  codec: ClassicalCodec;
  quality: number;
  bytes: number;
  bpp: number;
  encodeSeconds: number;
  decodeSeconds: number;
}

export interface EncodedPoint extends ClassicalPoint {
  encoded: Buffer;
}

/** Encodes colour pixels (1 or 3 channels) with the codec's options from the meta table. */
export async function encodeClassical(img: RawImage, codec: ClassicalCodec, quality: number): Promise<Buffer> {
  const meta = CLASSICAL_CODECS[codec];
  if (!Number.isInteger(quality) || quality < meta.minQuality || quality > meta.maxQuality) {
    throw new RangeError(`${meta.label} quality must be an integer from ${meta.minQuality} to ${meta.maxQuality}, got ${quality}`);
  }
  const color = colorOnly(img);
  let s = rawToSharp(color);
  if (color.channels === 1) s = s.toColourspace('b-w');
  const options = { ...meta.options, quality };
  switch (codec) {
    case 'jpeg':
      s = s.jpeg(options);
      break;
    case 'webp':
      s = s.webp(options);
      break;
    case 'avif':
      s = s.avif(options);
      break;
  }
  return s.toBuffer();
}

/** Decodes encoded bytes to the reference's colour channel count. */
export async function decodeEncoded(bytes: Buffer, channels: 1 | 3, label: string): Promise<RawImage> {
  // Our own encoding of an image the request's limit already let through: only the absolute cap applies.
  return readImage(label, { channels, maxPixels: MAX_PIXELS_SETTING }, bytes);
}

/** One encode-decode-measure round trip. */
export async function classicalPoint(
  ref: RawImage,
  codec: ClassicalCodec,
  quality: number,
  options: MetricOptions = {},
): Promise<EncodedPoint> {
  const color = colorOnly(ref);
  const t0 = performance.now();
  const encoded = await encodeClassical(color, codec, quality);
  const t1 = performance.now();
  const recon = await decodeEncoded(encoded, color.channels as 1 | 3, `${codec} q${quality}`);
  const t2 = performance.now();
  return {
    codec,
    quality,
    bytes: encoded.length,
    bpp: bitsPerPixel(encoded.length, color.width, color.height),
    ...measureQuality(color, recon, options),
    encodeSeconds: (t1 - t0) / 1000,
    decodeSeconds: (t2 - t1) / 1000,
    encoded,
  };
}

function withoutBytes(p: EncodedPoint): ClassicalPoint {
  const { encoded: _encoded, ...rest } = p;
  return rest;
}

/** The codec at each quality, low to high; `between` runs after each point (progress, cancel). */
export async function classicalSweep(
  ref: RawImage,
  codec: ClassicalCodec,
  qualities: readonly number[] = CLASSICAL_CODECS[codec].sweep,
  options: MetricOptions & { between?: () => Promise<void> } = {},
): Promise<ClassicalPoint[]> {
  const out: ClassicalPoint[] = [];
  for (const q of qualities) {
    out.push(withoutBytes(await classicalPoint(ref, codec, q, options)));
    await options.between?.();
  }
  return out;
}

/** Encodings of one image by one codec, by quality (what a size search has already paid for). */
export type EncodingCache = Map<number, { encoded: Buffer; encodeSeconds: number }>;

export interface ClosestPoint extends EncodedPoint {
  /** Even the codec's lowest quality makes a file bigger than the target: this is its smallest. */
  atSmallest: boolean;
}

/**
 * The encoding whose size is closest to `targetBytes`: the highest quality that stays within the
 * target, then the nearer of it and the next quality up (ties go to the smaller file). The search
 * keeps size(lo) <= target < size(hi + 1) and probes inside, alternating a guess interpolated in
 * log bytes with a plain halving (so it never takes more than about twice bisection's steps).
 * Sizes are not perfectly monotone in quality for every encoder, so the answer is the closest
 * among the qualities encoded, which always include both ends of the final bracket. `cache`
 * (kept by the caller for one image and codec) saves the encodings a later search would repeat.
 */
export async function closestBySize(
  ref: RawImage,
  codec: ClassicalCodec,
  targetBytes: number,
  options: MetricOptions & { cache?: EncodingCache } = {},
): Promise<ClosestPoint> {
  const color = colorOnly(ref);
  const found = await searchBySize(color, codec, targetBytes, options.cache);
  const t1 = performance.now();
  const recon = await decodeEncoded(found.encoded, color.channels as 1 | 3, `${codec} q${found.quality}`);
  const decodeSeconds = (performance.now() - t1) / 1000;
  return {
    codec,
    quality: found.quality,
    bytes: found.encoded.length,
    bpp: bitsPerPixel(found.encoded.length, color.width, color.height),
    ...measureQuality(color, recon, options),
    encodeSeconds: found.encodeSeconds,
    decodeSeconds,
    encoded: found.encoded,
    atSmallest: found.atSmallest,
  };
}

/** closestBySize's search alone: the quality, its encoding, and whether it is the codec's smallest. */
export async function searchBySize(
  ref: RawImage,
  codec: ClassicalCodec,
  targetBytes: number,
  cache: EncodingCache = new Map(),
): Promise<{ quality: number; encoded: Buffer; encodeSeconds: number; atSmallest: boolean }> {
  const meta = CLASSICAL_CODECS[codec];
  const color = colorOnly(ref);
  const size = async (q: number): Promise<number> => {
    let e = cache.get(q);
    if (!e) {
      const t0 = performance.now();
      const encoded = await encodeClassical(color, codec, q);
      e = { encoded, encodeSeconds: (performance.now() - t0) / 1000 };
      cache.set(q, e);
    }
    return e.encoded.length;
  };
  let lo = meta.minQuality;
  let hi = meta.maxQuality;
  const atSmallest = (await size(lo)) > targetBytes;
  if (!atSmallest) {
    // What earlier searches encoded narrows the bracket before anything new is encoded.
    for (const [q, e] of cache) if (e.encoded.length <= targetBytes && q > lo) lo = q;
    for (const [q, e] of cache) if (e.encoded.length > targetBytes && q > lo && q - 1 < hi) hi = q - 1;
    for (let interpolate = true; lo < hi; interpolate = !interpolate) {
      let probe = (lo + hi + 1) >> 1;
      const above = cache.get(hi + 1)?.encoded.length;
      if (interpolate && above !== undefined) {
        const below = cache.get(lo)!.encoded.length;
        const f = Math.log(targetBytes / below) / Math.log(above / below);
        if (Number.isFinite(f)) probe = Math.min(hi, Math.max(lo + 1, lo + Math.round(f * (hi + 1 - lo))));
      }
      if ((await size(probe)) <= targetBytes) lo = probe;
      else hi = probe - 1;
    }
    if (lo < meta.maxQuality) await size(lo + 1);
  }
  let best = lo;
  for (const [q, e] of cache) {
    const d = Math.abs(e.encoded.length - targetBytes);
    const bestLen = cache.get(best)!.encoded.length;
    const bestD = Math.abs(bestLen - targetBytes);
    if (d < bestD || (d === bestD && e.encoded.length < bestLen)) best = q;
  }
  return { quality: best, ...cache.get(best)!, atSmallest };
}
