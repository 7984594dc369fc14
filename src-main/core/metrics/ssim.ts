// SSIM (Wang, Bovik, Sheikh, Simoncelli 2004): 11x11 Gaussian window with sigma 1.5, K1 0.01,
// K2 0.03, dynamic range 255, population (not sample) statistics, averaged over the positions
// where the whole window lies inside the image (MATLAB's filter2 'valid', as in Wang's
// ssim_index.m). Colour images: SSIM of each RGB channel, then the mean of the channels (the
// "-rgb" of CompressAI's "ms-ssim-rgb"); gray images: the one channel (equal to its replicated RGB).
// Images smaller than 11 pixels on a side use the largest odd window that fits, same sigma.
//
// The window is separable, so each 2-D Gaussian sum is a horizontal then a vertical 1-D pass; a
// ring buffer of `size` horizontally filtered rows keeps memory at O(width) for 2 MP images.
import type { RawImage } from '../imaging/index.js';
import { comparable, plane } from '../imaging/pixels.js';
import { PEAK } from '../imaging/psnr.js';
import { SSIM_WINDOW } from './ssim-scales.js';

// The window's side is shared with MS-SSIM's scale rule (browser-safe, for the renderer's note).
export { SSIM_WINDOW } from './ssim-scales.js';
export const SSIM_SIGMA = 1.5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

/** A normalized 1-D Gaussian of `size` taps (odd) centred on the middle tap. */
export function gaussianWindow(size: number, sigma: number): Float64Array {
  const w = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    w[i] = Math.exp(-((i - c) * (i - c)) / (2 * sigma * sigma));
    sum += w[i]!;
  }
  for (let i = 0; i < size; i++) w[i]! /= sum;
  return w;
}

/** The window edge used for a width x height plane: 11, or the largest odd size that fits. */
export function windowSizeFor(width: number, height: number): number {
  const fit = Math.min(SSIM_WINDOW, width, height);
  return fit % 2 === 1 ? fit : fit - 1;
}

export interface PlaneStats {
  /** Mean of the SSIM map (luminance x contrast-structure). */
  ssim: number;
  /** Mean of the contrast-structure map (what MS-SSIM uses at its finer scales). */
  cs: number;
}

/** Mean SSIM and mean contrast-structure term of two planes (row-major, `width` x `height`). */
export function ssimPlanes(x: Float64Array, y: Float64Array, width: number, height: number, peak = PEAK): PlaneStats {
  if (x.length !== width * height || y.length !== width * height) throw new RangeError('plane length does not match width x height');
  if (width < 1 || height < 1) throw new RangeError(`cannot measure SSIM of a ${width}x${height} image`);
  const k = windowSizeFor(width, height);
  const win = gaussianWindow(k, SSIM_SIGMA);
  const c1 = (SSIM_K1 * peak) ** 2;
  const c2 = (SSIM_K2 * peak) ** 2;
  const wv = width - k + 1;
  const hv = height - k + 1;

  // Ring buffers of horizontally filtered rows: x, y, x^2, y^2, xy.
  const ring = k * wv;
  const hx = new Float64Array(ring);
  const hy = new Float64Array(ring);
  const hxx = new Float64Array(ring);
  const hyy = new Float64Array(ring);
  const hxy = new Float64Array(ring);
  const xx = new Float64Array(width);
  const yy = new Float64Array(width);
  const xy = new Float64Array(width);

  let sumSsim = 0;
  let sumCs = 0;
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let i = 0; i < width; i++) {
      const a = x[row + i]!;
      const b = y[row + i]!;
      xx[i] = a * a;
      yy[i] = b * b;
      xy[i] = a * b;
    }
    const slot = (r % k) * wv;
    for (let ox = 0; ox < wv; ox++) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let t = 0; t < k; t++) {
        const g = win[t]!;
        const i = ox + t;
        sx += g * x[row + i]!;
        sy += g * y[row + i]!;
        sxx += g * xx[i]!;
        syy += g * yy[i]!;
        sxy += g * xy[i]!;
      }
      hx[slot + ox] = sx;
      hy[slot + ox] = sy;
      hxx[slot + ox] = sxx;
      hyy[slot + ox] = syy;
      hxy[slot + ox] = sxy;
    }
    if (r < k - 1) continue;
    const top = r - k + 1;
    for (let ox = 0; ox < wv; ox++) {
      let mx = 0;
      let my = 0;
      let exx = 0;
      let eyy = 0;
      let exy = 0;
      for (let t = 0; t < k; t++) {
        const g = win[t]!;
        const j = ((top + t) % k) * wv + ox;
        mx += g * hx[j]!;
        my += g * hy[j]!;
        exx += g * hxx[j]!;
        eyy += g * hyy[j]!;
        exy += g * hxy[j]!;
      }
      const mx2 = mx * mx;
      const my2 = my * my;
      const mxy = mx * my;
      const cs = (2 * (exy - mxy) + c2) / (exx - mx2 + (eyy - my2) + c2);
      const l = (2 * mxy + c1) / (mx2 + my2 + c1);
      sumCs += cs;
      sumSsim += l * cs;
    }
  }
  const n = wv * hv;
  return { ssim: sumSsim / n, cs: sumCs / n };
}

/** SSIM of `b` against `a`: 1 for identical images; mean over RGB channels for colour. */
export function ssim(a: RawImage, b: RawImage): number {
  const [x, y] = comparable(a, b);
  let sum = 0;
  for (let c = 0; c < x.channels; c++) sum += ssimPlanes(plane(x, c), plane(y, c), x.width, x.height).ssim;
  return sum / x.channels;
}
