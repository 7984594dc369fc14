// MS-SSIM (Wang, Simoncelli, Bovik 2003): SSIM's contrast-structure term at scales 1..M-1 and the
// full SSIM at the coarsest scale M, combined as prod(cs_j ^ w_j) * ssim_M ^ w_M with the standard
// weights. Between scales the image is 2x2 averaged and subsampled, as in Wang's msssim.m (an odd
// last row or column is averaged with its mirror, i.e. kept). Negative terms are clamped at 0
// before the power (as pytorch_msssim does) so a bad reconstruction gives 0, not NaN.
//
// Small images: 5 scales need the coarsest scale to still hold an 11x11 window (at least 161 px a
// side). We use as many scales as fit (an image of at most 20 px a side gets just one scale, i.e. its
// SSIM) and renormalize the weights of the scales used to sum to 1, so the value stays in [0, 1]
// and comparable across codecs on the same images. `msssimScales(w, h)` says how many were used.
// Colour: per RGB channel, then the mean of the channels.
import type { RawImage } from '../imaging/index.js';
import { comparable, plane } from '../imaging/pixels.js';
import { MSSSIM_WEIGHTS, msssimScales } from './ssim-scales.js';
import { ssimPlanes } from './ssim.js';

export { MSSSIM_WEIGHTS, msssimScales };

/** 2x2 mean, output ceil(w/2) x ceil(h/2); an odd edge pairs the last sample with itself. */
export function downsample2(src: Float64Array, width: number, height: number): { data: Float64Array; width: number; height: number } {
  const w2 = Math.ceil(width / 2);
  const h2 = Math.ceil(height / 2);
  const out = new Float64Array(w2 * h2);
  for (let j = 0; j < h2; j++) {
    const r0 = 2 * j * width;
    const r1 = Math.min(2 * j + 1, height - 1) * width;
    for (let i = 0; i < w2; i++) {
      const c0 = 2 * i;
      const c1 = Math.min(2 * i + 1, width - 1);
      out[j * w2 + i] = (src[r0 + c0]! + src[r0 + c1]! + src[r1 + c0]! + src[r1 + c1]!) / 4;
    }
  }
  return { data: out, width: w2, height: h2 };
}

/** MS-SSIM of two planes with the weights renormalized over the scales that fit. */
export function msssimPlanes(x: Float64Array, y: Float64Array, width: number, height: number): number {
  const scales = msssimScales(width, height);
  const weights = MSSSIM_WEIGHTS.slice(0, scales);
  const total = weights.reduce((s, w) => s + w, 0);
  let a = { data: x, width, height };
  let b = { data: y, width, height };
  let result = 1;
  for (let s = 0; s < scales; s++) {
    const st = ssimPlanes(a.data, b.data, a.width, a.height);
    const w = weights[s]! / total;
    const term = s === scales - 1 ? st.ssim : st.cs;
    result *= Math.max(term, 0) ** w;
    if (s < scales - 1) {
      a = downsample2(a.data, a.width, a.height);
      b = downsample2(b.data, b.width, b.height);
    }
  }
  return result;
}

/** MS-SSIM of `b` against `a`: 1 for identical images; mean over RGB channels for colour. */
export function msssim(a: RawImage, b: RawImage): number {
  const [x, y] = comparable(a, b);
  let sum = 0;
  for (let c = 0; c < x.channels; c++) sum += msssimPlanes(plane(x, c), plane(y, c), x.width, x.height);
  return sum / x.channels;
}
