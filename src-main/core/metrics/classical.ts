// JPEG (mozjpeg), WebP and AVIF through sharp: encode an image at a quality, decode it back the
// way a viewer would (imaging's readImage on the bytes), and measure it. Used for the
// rate-distortion sweeps and for the equal-size comparison (the encoding closest in bytes to a
// given size, found by bisection on the quality, since size grows with quality).
// Images are compared in their colour channels: an alpha plane is dropped before encoding (the
// latent codec stores alpha losslessly beside the colour, so colour is what differs).
import { readImage, rawToSharp, type RawImage } from '../imaging/index.js';
import { CLASSICAL_CODECS, type ClassicalCodec } from './codecs.js';
import { msssim } from './msssim.js';
import { colorOnly } from './pixels.js';
import { psnr } from './psnr.js';
import { bitsPerPixel } from './rate.js';
import { ssim } from './ssim.js';

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
  return readImage(label, { channels }, bytes);
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

/**
 * The encoding whose size is closest to `targetBytes`: bisection for the highest quality that
 * stays within the target, then the nearer of it and the next quality up (ties go to the smaller
 * file). Sizes are not perfectly monotone in quality for every encoder, so the answer is the
 * closest among the qualities visited, which always include both ends of the final bracket.
 */
export async function closestBySize(
  ref: RawImage,
  codec: ClassicalCodec,
  targetBytes: number,
  options: MetricOptions = {},
): Promise<EncodedPoint> {
  const meta = CLASSICAL_CODECS[codec];
  const color = colorOnly(ref);
  const sizes = new Map<number, Buffer>();
  const size = async (q: number): Promise<number> => {
    let b = sizes.get(q);
    if (!b) {
      b = await encodeClassical(color, codec, q);
      sizes.set(q, b);
    }
    return b.length;
  };
  let lo = meta.minQuality;
  let hi = meta.maxQuality;
  if ((await size(lo)) <= targetBytes) {
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((await size(mid)) <= targetBytes) lo = mid;
      else hi = mid - 1;
    }
    if (lo < meta.maxQuality) await size(lo + 1);
  }
  let best = lo;
  for (const [q, b] of sizes) {
    const d = Math.abs(b.length - targetBytes);
    const bestD = Math.abs(sizes.get(best)!.length - targetBytes);
    if (d < bestD || (d === bestD && b.length < sizes.get(best)!.length)) best = q;
  }
  return classicalPoint(color, codec, best, options);
}
