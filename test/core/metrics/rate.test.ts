import { describe, expect, it } from 'vitest';
import { bitsPerPixel, compressionRatio, effectiveBpp, rateOf, rawRatio } from '../../../src-main/core/metrics/rate.js';

describe('rates', () => {
  it('bpp counts the whole file over the pixels', () => {
    expect(bitsPerPixel(1000, 100, 80)).toBe(1);
    expect(bitsPerPixel(50, 20, 20)).toBe(1);
    expect(() => bitsPerPixel(10, 0, 5)).toThrow();
  });

  it('compression ratios against the original file and raw 24-bit', () => {
    expect(compressionRatio(60_000, 3_000)).toBe(20);
    expect(rawRatio(100, 100, 3_000)).toBe(10); // 30 000 raw bytes
    expect(rateOf(2_000, 200, 100, 8_000)).toEqual({ bytes: 2_000, bpp: 0.8, ratio: 4, rawRatio: 30 });
  });

  it('effective bpp spreads the decoder over every pixel it serves', () => {
    // 400 KB decoder over 1000 images of 720x360: 3 276 800 bits / 259 200 000 px = 0.01264 bpp extra.
    const extra = (400_000 * 8) / (1000 * 720 * 360);
    expect(effectiveBpp(0.5, 400_000, 1000 * 720 * 360)).toBeCloseTo(0.5 + extra, 12);
    // One 20x20 digit and a 100 KB decoder: the decoder dominates.
    expect(effectiveBpp(1, 100_000, 400)).toBe(2001);
    // The cost shrinks as the set grows.
    expect(effectiveBpp(1, 100_000, 4_000_000)).toBeLessThan(effectiveBpp(1, 100_000, 400_000));
  });
});
