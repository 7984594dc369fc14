import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../../src-main/core/imaging/index.js';
import { downsample2, msssim, msssimScales, MSSSIM_WEIGHTS } from '../../../src-main/core/metrics/msssim.js';
import { gaussianWindow, ssim, windowSizeFor } from '../../../src-main/core/metrics/ssim.js';
import { mapPixels, rng, texturedImage } from './helpers.js';

// A second, deliberately naive SSIM: for every valid window position, the 2-D Gaussian-weighted
// statistics summed directly (no separable passes, no ring buffer), per channel.
function naiveSsimMaps(x: number[][], y: number[][]): { ssim: number; cs: number } {
  const h = x.length;
  const w = x[0]!.length;
  let k = Math.min(11, w, h);
  if (k % 2 === 0) k--;
  const g1: number[] = [];
  for (let i = 0; i < k; i++) g1.push(Math.exp(-((i - (k - 1) / 2) ** 2) / (2 * 1.5 * 1.5)));
  const s1 = g1.reduce((a, b) => a + b, 0);
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let ss = 0;
  let cc = 0;
  let n = 0;
  for (let oy = 0; oy + k <= h; oy++)
    for (let ox = 0; ox + k <= w; ox++) {
      let mx = 0,
        my = 0,
        exx = 0,
        eyy = 0,
        exy = 0;
      for (let j = 0; j < k; j++)
        for (let i = 0; i < k; i++) {
          const g = (g1[j]! * g1[i]!) / (s1 * s1);
          const a = x[oy + j]![ox + i]!;
          const b = y[oy + j]![ox + i]!;
          mx += g * a;
          my += g * b;
          exx += g * a * a;
          eyy += g * b * b;
          exy += g * a * b;
        }
      const cs = (2 * (exy - mx * my) + C2) / (exx - mx * mx + eyy - my * my + C2);
      ss += ((2 * mx * my + C1) / (mx * mx + my * my + C1)) * cs;
      cc += cs;
      n++;
    }
  return { ssim: ss / n, cs: cc / n };
}

function planes(img: RawImage): number[][][] {
  const out: number[][][] = [];
  for (let c = 0; c < img.channels; c++) {
    const p: number[][] = [];
    for (let y = 0; y < img.height; y++) {
      const row: number[] = [];
      for (let x = 0; x < img.width; x++) row.push(img.data[(y * img.width + x) * img.channels + c]!);
      p.push(row);
    }
    out.push(p);
  }
  return out;
}

function naiveDown(p: number[][]): number[][] {
  const h = p.length;
  const w = p[0]!.length;
  const out: number[][] = [];
  for (let j = 0; j < h; j += 2) {
    const row: number[] = [];
    for (let i = 0; i < w; i += 2) {
      const j1 = Math.min(j + 1, h - 1);
      const i1 = Math.min(i + 1, w - 1);
      row.push((p[j]![i]! + p[j]![i1]! + p[j1]![i]! + p[j1]![i1]!) / 4);
    }
    out.push(row);
  }
  return out;
}

function naiveMsssim(a: RawImage, b: RawImage): number {
  const pa = planes(a);
  const pb = planes(b);
  let sum = 0;
  for (let c = 0; c < a.channels; c++) {
    let x = pa[c]!;
    let y = pb[c]!;
    const m = msssimScales(a.width, a.height);
    const ws = MSSSIM_WEIGHTS.slice(0, m);
    const tot = ws.reduce((s, v) => s + v, 0);
    let v = 1;
    for (let s = 0; s < m; s++) {
      const st = naiveSsimMaps(x, y);
      v *= Math.max(s === m - 1 ? st.ssim : st.cs, 0) ** (ws[s]! / tot);
      x = naiveDown(x);
      y = naiveDown(y);
    }
    sum += v;
  }
  return sum / a.channels;
}

function naiveSsim(a: RawImage, b: RawImage): number {
  const pa = planes(a);
  const pb = planes(b);
  let s = 0;
  for (let c = 0; c < a.channels; c++) s += naiveSsimMaps(pa[c]!, pb[c]!).ssim;
  return s / a.channels;
}

describe('SSIM', () => {
  it('is 1 for identical images', () => {
    const a = texturedImage(30, 26, 3);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });

  it('gives the closed form for a constant offset on a flat image (only the luminance term moves)', () => {
    const a: RawImage = { data: new Uint8Array(24 * 24).fill(100), width: 24, height: 24, channels: 1 };
    const b = mapPixels(a, (v) => v + 20);
    const C1 = (0.01 * 255) ** 2;
    expect(ssim(a, b)).toBeCloseTo((2 * 100 * 120 + C1) / (100 * 100 + 120 * 120 + C1), 12); // 0.98364
  });

  it('keeps the contrast-structure term at 1 under an offset of a textured image', () => {
    const a = mapPixels(texturedImage(40, 40, 1), (v) => Math.min(v, 215));
    const b = mapPixels(a, (v) => v + 40);
    const s = ssim(a, b);
    expect(s).toBeLessThan(1);
    expect(s).toBeGreaterThan(0.9);
  });

  it('matches a naive 2-D implementation on random images of several sizes', () => {
    const r = rng(3);
    for (const [w, h, ch] of [
      [37, 23, 3],
      [11, 11, 1],
      [16, 12, 3],
      [7, 9, 1],
      [3, 5, 1],
    ] as const) {
      const a = texturedImage(w, h, ch, w * h);
      const b = mapPixels(a, (v) => v + (r() - 0.5) * 60);
      expect(ssim(a, b)).toBeCloseTo(naiveSsim(a, b), 10);
    }
  });

  it('falls as noise grows', () => {
    const a = texturedImage(48, 48, 3);
    const r = rng(9);
    const noisy = (amp: number) => mapPixels(a, (v) => v + (r() - 0.5) * amp);
    const s10 = ssim(a, noisy(10));
    const s60 = ssim(a, noisy(60));
    expect(s10).toBeGreaterThan(s60);
    expect(s60).toBeGreaterThan(0);
  });

  it('uses an 11-tap normalized Gaussian, shrunk to the largest odd size that fits small images', () => {
    const g = gaussianWindow(11, 1.5);
    expect(g.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(g[5]! / g[0]!).toBeCloseTo(Math.exp(25 / 4.5), 8);
    expect(windowSizeFor(720, 360)).toBe(11);
    expect(windowSizeFor(20, 10)).toBe(9);
    expect(windowSizeFor(8, 30)).toBe(7);
  });
});

describe('MS-SSIM', () => {
  it('is 1 for identical images', () => {
    const a = texturedImage(170, 165, 3);
    expect(msssim(a, a)).toBeCloseTo(1, 12);
  });

  it('uses as many of the 5 scales as keep an 11 px coarsest scale', () => {
    expect(msssimScales(161, 161)).toBe(5);
    expect(msssimScales(2000, 1000)).toBe(5);
    expect(msssimScales(160, 400)).toBe(4);
    expect(msssimScales(60, 100)).toBe(3);
    expect(msssimScales(21, 21)).toBe(2);
    expect(msssimScales(20, 20)).toBe(1);
  });

  it('equals SSIM on a one-scale image (a 20x20 digit)', () => {
    const a = texturedImage(20, 20, 1, 5);
    const b = mapPixels(a, (v, i) => v + ((i * 7) % 13) - 6);
    expect(msssim(a, b)).toBeCloseTo(ssim(a, b), 12);
  });

  it('matches a naive implementation (5, 4 and 2 scales, odd sizes)', () => {
    const r = rng(11);
    for (const [w, h, ch] of [
      [163, 161, 1],
      [41, 150, 3],
      [25, 23, 3],
    ] as const) {
      const a = texturedImage(w, h, ch, w + h);
      const b = mapPixels(a, (v) => v + (r() - 0.5) * 50);
      expect(msssim(a, b)).toBeCloseTo(naiveMsssim(a, b), 10);
    }
  });

  it('downsamples by 2x2 means, keeping an odd edge', () => {
    const d = downsample2(Float64Array.from([1, 3, 5, 2, 4, 6, 10, 10, 10]), 3, 3);
    expect([d.width, d.height]).toEqual([2, 2]);
    expect(Array.from(d.data)).toEqual([2.5, 5.5, 10, 10]);
  });

  it('stays in [0, 1] for an inverted image (negative structure clamped, no NaN)', () => {
    const a = texturedImage(64, 64, 1);
    const v = msssim(
      a,
      mapPixels(a, (p) => 255 - p),
    );
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(0.2);
  });
});
