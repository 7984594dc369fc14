import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeAlpha, encodeAlpha } from '../../../src-main/core/codec/alpha-coder.js';
import { readSourceMetadata, resetOrientation } from '../../../src-main/core/codec/metadata.js';
import { dequantize, quantize, qualityToStep, STEP_AT_100, stepFor } from '../../../src-main/core/codec/quantize.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

describe('quality to step', () => {
  it('is strictly decreasing in quality, from half the code range to STEP_AT_100', () => {
    for (const range of [
      { min: -3, max: 5 },
      { min: 0, max: 1 },
      { min: -40, max: 40 },
      { min: 2, max: 2 },
    ]) {
      let prev = Infinity;
      for (let q = 1; q <= 100; q++) {
        const s = qualityToStep(q, range);
        expect(s).toBeLessThan(prev);
        expect(Math.fround(s)).toBe(s);
        prev = s;
      }
      expect(qualityToStep(100, range)).toBe(STEP_AT_100);
    }
    expect(qualityToStep(1, { min: -40, max: 40 })).toBeCloseTo(40, 4);
    expect(() => qualityToStep(0, { min: 0, max: 1 })).toThrow(RangeError);
    expect(() => qualityToStep(101, { min: 0, max: 1 })).toThrow(RangeError);
  });

  it('stops at a calibrated finest step when the model card has one', () => {
    const card = { codeRange: { min: -8, max: 8 }, finestStep: Math.fround(Math.SQRT1_2) };
    expect(stepFor(100, card)).toBe(card.finestStep);
    expect(stepFor(1, card)).toBeCloseTo(8, 4);
    expect(stepFor(50, card)).toBeGreaterThan(stepFor(51, card));
    expect(stepFor(100, { codeRange: card.codeRange })).toBe(STEP_AT_100);
    expect(stepFor(100, { codeRange: card.codeRange, finestStep: -1 })).toBe(STEP_AT_100);
  });

  it('quantizes to the nearest multiple of the step and back', () => {
    const v = Float32Array.of(-1.26, -0.24, 0, 0.26, 3.74, 1e9, -1e9);
    const s = quantize(v, 0.5);
    expect(Array.from(s)).toEqual([-3, -0, 0, 1, 7, 1 << 24, -(1 << 24)].map((x) => x + 0));
    const back = dequantize(s, 0.5);
    for (let i = 0; i < 5; i++) expect(Math.abs(back[i]! - v[i]!)).toBeLessThanOrEqual(0.25 + 1e-6);
    expect(() => quantize(Float32Array.of(NaN), 1)).toThrow(RangeError);
  });
});

describe('alpha planes', () => {
  it('codes alpha planes losslessly, smaller than PNG', async () => {
    const w = 64,
      h = 48;
    const a = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) a[y * w + x] = Math.max(0, Math.min(255, Math.round(255 * (1.5 - Math.hypot(x - 32, y - 24) / 12))));
    const bytes = encodeAlpha(a, w, h);
    expect(decodeAlpha(bytes, w, h)).toEqual(a);
    const png = await sharp(Buffer.from(a), { raw: { width: w, height: h, channels: 1 } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bytes.length).toBeLessThan(png.length);
    const opaque = new Uint8Array(w * h).fill(255);
    expect(encodeAlpha(opaque, w, h).length).toBeLessThan(20);
  });
});

describe('metadata', () => {
  it('carries EXIF with its orientation reset, and the ICC profile', async () => {
    const tmp = makeTmpDir();
    try {
      const f = path.join(tmp.dir, 'r.jpg');
      await sharp({ create: { width: 8, height: 4, channels: 3, background: '#808080' } })
        .jpeg()
        .withMetadata({ orientation: 6, icc: 'p3' })
        .toFile(f);
      const m = await readSourceMetadata(readFileSync(f));
      expect(m.exif).toBeDefined();
      expect(m.icc).toBeDefined();
      const probe = await sharp({ create: { width: 8, height: 4, channels: 3, background: '#808080' } })
        .jpeg()
        .withExif({})
        .toBuffer();
      // The patched block reads back as orientation 1 once embedded.
      const { insertExif } = await import('../../../src-main/core/imaging/index.js');
      const withExif = insertExif(probe, Buffer.from(m.exif!), 'jpeg');
      expect((await sharp(withExif).metadata()).orientation).toBe(1);
      expect(resetOrientation(Uint8Array.of(1, 2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    } finally {
      tmp.cleanup();
    }
  });
});
