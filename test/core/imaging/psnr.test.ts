import { describe, expect, it } from 'vitest';
import { mean, mse, psnr, psnrFromMse } from '../../../src-main/core/imaging/psnr.js';
import { mapPixels, rng, texturedImage } from '../metrics/helpers.js';

describe('PSNR-RGB', () => {
  it('is Infinity for identical images', () => {
    const a = texturedImage(32, 24, 3);
    expect(psnr(a, { ...a, data: a.data.slice() })).toBe(Infinity);
  });

  it('gives 10 log10(255^2 / d^2) for a constant offset d', () => {
    const a = mapPixels(texturedImage(40, 30, 3), (v) => Math.min(v, 200)); // room for +5
    const b = mapPixels(a, (v) => v + 5);
    expect(mse(a, b)).toBe(25);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 25), 12); // 34.151 dB
    expect(psnr(a, b)).toBeCloseTo(34.1514, 4);
  });

  it('matches the noise it was given: +-d on every sample gives MSE d^2', () => {
    const a = mapPixels(texturedImage(64, 48, 3), (v) => Math.min(Math.max(v, 10), 245));
    const r = rng(7);
    const b = mapPixels(a, (v) => v + (r() < 0.5 ? -10 : 10));
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 10); // 28.13 dB
  });

  it('averages over channels: an error in one of three channels costs a third of the MSE', () => {
    const a = mapPixels(texturedImage(20, 20, 3), (v) => Math.min(v, 240));
    const b = mapPixels(a, (v, i) => (i % 3 === 1 ? v + 12 : v));
    expect(mse(a, b)).toBeCloseTo(144 / 3, 12);
  });

  it('compares gray with RGB as replicated RGB, and ignores alpha', () => {
    const g = texturedImage(16, 16, 1);
    const rgb = { ...g, channels: 3 as const, data: new Uint8Array(g.data.length * 3).map((_, i) => g.data[Math.floor(i / 3)]!) };
    expect(psnr(g, rgb)).toBe(Infinity);
    const rgba = {
      ...g,
      channels: 4 as const,
      data: new Uint8Array(g.data.length * 4).map((_, i) => (i % 4 === 3 ? 17 : g.data[Math.floor(i / 4)]!)),
    };
    expect(psnr(rgb, rgba)).toBe(Infinity);
  });

  it('refuses images of different sizes', () => {
    expect(() => psnr(texturedImage(8, 8, 3), texturedImage(8, 9, 3))).toThrow(/8x8.*8x9/);
  });

  it('averages per-image PSNRs (not the pooled error)', () => {
    expect(mean([30, 40])).toBe(35);
    expect(psnrFromMse(0)).toBe(Infinity);
    expect(() => psnrFromMse(-1)).toThrow();
  });
});
