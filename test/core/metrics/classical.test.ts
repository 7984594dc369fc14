import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src-main/core/imaging/index.js';
import { classicalPoint, classicalSweep, closestBySize, encodeClassical } from '../../../src-main/core/metrics/classical.js';
import { CLASSICAL_CODEC_NAMES, CLASSICAL_CODECS } from '../../../src-main/core/metrics/codecs.js';

const dir = path.resolve(__dirname, '../../fixtures/metrics');
const photo = () => readImage(path.join(dir, 'mountain-ref.png'));
const digits = () => readImage(path.join(dir, 'digits-ref.png'));

describe('classical codecs through sharp', () => {
  it('writes real JPEG, WebP and AVIF files', async () => {
    const img = await photo();
    const jpg = await encodeClassical(img, 'jpeg', 50);
    expect([jpg[0], jpg[1]]).toEqual([0xff, 0xd8]);
    const webp = await encodeClassical(img, 'webp', 50);
    expect(webp.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const avif = await encodeClassical(img, 'avif', 50);
    expect(avif.subarray(4, 12).toString('latin1')).toBe('ftypavif');
    expect((await sharp(avif).metadata()).width).toBe(200);
  });

  it('measures a round trip the same way an independent decode does', async () => {
    const img = await photo();
    const p = await classicalPoint(img, 'jpeg', 30);
    const { data } = await sharp(p.encoded).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let se = 0;
    for (let i = 0; i < data.length; i++) se += (data[i]! - img.data[i]!) ** 2;
    expect(p.psnr).toBeCloseTo(10 * Math.log10((255 * 255 * data.length) / se), 9);
    expect(p.bytes).toBe(p.encoded.length);
    expect(p.bpp).toBeCloseTo((p.bytes * 8) / (200 * 168), 12);
    expect(p.msssim).toBeGreaterThan(0.8);
    expect(p.msssim).toBeLessThan(1);
  });

  it('keeps gray images gray in JPEG', async () => {
    const img = await digits();
    expect(img.channels).toBe(1);
    const jpg = await encodeClassical(img, 'jpeg', 80);
    expect((await sharp(jpg).metadata()).channels).toBe(1);
    const p = await classicalPoint(img, 'webp', 80, { ssim: true });
    expect(p.ssim).toBeGreaterThan(0.5);
  });

  it('sweeps qualities: more bytes buy more PSNR', async () => {
    const img = await photo();
    for (const codec of CLASSICAL_CODEC_NAMES) {
      const pts = await classicalSweep(img, codec, [10, 50, 90]);
      expect(pts.map((p) => p.quality)).toEqual([10, 50, 90]);
      expect(pts[0]!.bytes).toBeLessThan(pts[2]!.bytes);
      expect(pts[0]!.psnr).toBeLessThan(pts[2]!.psnr);
      expect(pts[2]!.psnr).toBeGreaterThan(30);
    }
    expect(CLASSICAL_CODECS.jpeg.options.mozjpeg).toBe(true);
  });

  it('finds the encoding closest in bytes to a target, for every codec', async () => {
    const img = await photo();
    const target = 3000;
    for (const codec of CLASSICAL_CODEC_NAMES) {
      const best = await closestBySize(img, codec, target);
      // Exhaustive check over every quality (on a coarse grid for the slow AVIF encoder).
      const qs =
        codec === 'avif'
          ? [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, best.quality - 1, best.quality + 1]
          : Array.from({ length: 100 }, (_, i) => i + 1);
      let bestD = Infinity;
      for (const q of qs) if (q >= 1 && q <= 100) bestD = Math.min(bestD, Math.abs((await encodeClassical(img, codec, q)).length - target));
      expect(Math.abs(best.bytes - target)).toBeLessThanOrEqual(bestD);
      expect(best.encoded.length).toBe(best.bytes);
    }
  });

  it('reuses the encodings a size search has made, with the same answer as a fresh search', async () => {
    const img = await photo();
    const cache = new Map<number, { encoded: Buffer; encodeSeconds: number }>();
    const first = await closestBySize(img, 'webp', 3000, { cache });
    const afterFirst = cache.size;
    expect(afterFirst).toBeGreaterThan(2);
    // The same target again: nothing new is encoded.
    const again = await closestBySize(img, 'webp', 3000, { cache });
    expect(cache.size).toBe(afterFirst);
    expect(again.quality).toBe(first.quality);
    // A nearby target: the cached sizes bracket it, so fewer encodings than a fresh search.
    const fresh = new Map<number, { encoded: Buffer; encodeSeconds: number }>();
    const near = await closestBySize(img, 'webp', 3400, { cache });
    const nearFresh = await closestBySize(img, 'webp', 3400, { cache: fresh });
    expect(Math.abs(near.bytes - 3400)).toBeLessThanOrEqual(Math.abs(nearFresh.bytes - 3400));
    expect(cache.size - afterFirst).toBeLessThan(fresh.size);
    expect(near.encoded.equals((await encodeClassical(img, 'webp', near.quality)))).toBe(true);
  });

  it('says when even the lowest quality is bigger than the target', async () => {
    const img = await photo();
    const tiny = await closestBySize(img, 'avif', 10);
    expect(tiny).toMatchObject({ quality: 1, atSmallest: true });
    expect(tiny.bytes).toBeGreaterThan(10);
    expect((await closestBySize(img, 'jpeg', 3000)).atSmallest).toBe(false);
  });

  it('rejects a quality outside the codec range', async () => {
    await expect(encodeClassical(await digits(), 'jpeg', 0)).rejects.toThrow(/from 1 to 100/);
  });
});
