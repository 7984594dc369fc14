// PSNR-RGB as DESIGN.md section 6 defines it: 8-bit samples, peak 255, squared error averaged
// over every pixel and colour channel of one image; a set's PSNR is the mean of its images' PSNRs
// (as CompressAI reports it), not the PSNR of the pooled error.
import type { RawImage } from './index.js';
import { comparable } from './pixels.js';

export const PEAK = 255;

/** Mean squared error over all pixels and colour channels. */
export function mse(a: RawImage, b: RawImage): number {
  const [x, y] = comparable(a, b);
  const p = x.data;
  const q = y.data;
  let se = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i]! - q[i]!;
    se += d * d;
  }
  return se / p.length;
}

export function psnrFromMse(m: number, peak = PEAK): number {
  if (m < 0 || Number.isNaN(m)) throw new RangeError(`MSE must be >= 0, got ${m}`);
  return m === 0 ? Infinity : 10 * Math.log10((peak * peak) / m);
}

/** PSNR in dB of `b` against the reference `a`; Infinity when identical. */
export function psnr(a: RawImage, b: RawImage): number {
  return psnrFromMse(mse(a, b));
}

/** Mean of per-image values (PSNR, SSIM, bpp...). Infinity stays Infinity: a lossless image is lossless. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}
