import { describe, expect, it } from 'vitest';
import type { EvaluationResult, ImageEvaluation, RdSample } from '../../../src-main/core/contract/eval.js';
import { bdRate } from '../../../src-main/core/metrics/bd-rate.js';
import { bdRates, buildCurves, psnrPoints } from '../../../src-main/core/metrics/curves.js';
import { toCompressAiJson, toCsv } from '../../../src-main/core/metrics/export.js';

const s = (quality: number, bytes: number, psnr: number | null, msssim: number): RdSample => ({
  quality,
  bytes,
  bpp: (bytes * 8) / (100 * 50),
  psnr,
  msssim,
  encodeSeconds: 0.01,
  decodeSeconds: 0.02,
});

function image(p: string, scale: number): ImageEvaluation {
  return {
    path: p,
    width: 100,
    height: 50,
    channels: 3,
    originalBytes: 10_000,
    samples: {
      latent: [s(10, 300 * scale, 26, 0.9), s(50, 600 * scale, 30, 0.95), s(90, 1200 * scale, 34, 0.98)],
      jpeg: [s(20, 500 * scale, 25, 0.88), s(60, 1000 * scale, 29, 0.94), s(95, 2000 * scale, 33, 0.97)],
      webp: [s(20, 500, 26, 0.9), s(60, 900, null, 0.95)],
    },
  };
}

describe('curves from per-image samples', () => {
  const imgs = [image('/a.png', 1), image('/b, "odd".png', 2)];
  const curves = buildCurves(imgs, 5_000);

  it('averages each quality setting over the images', () => {
    const l = curves.latent!;
    expect(l.quality).toEqual([10, 50, 90]);
    expect(l.bytes).toEqual([450, 900, 1800]);
    expect(l.bpp[0]).toBeCloseTo((450 * 8) / 5000, 12);
    expect(l['psnr-rgb']).toEqual([26, 30, 34]);
    expect(l.ratio[0]).toBeCloseTo((10_000 / 300 + 10_000 / 600) / 2, 12);
    expect(l.rawRatio[0]).toBeCloseTo((15_000 / 300 + 15_000 / 600) / 2, 12);
    // Decoder of 5000 bytes over 2 images of 5000 px: +4 bpp.
    expect(l.effectiveBpp![0]).toBeCloseTo(l.bpp[0]! + 4, 12);
    expect(curves.jpeg!.effectiveBpp).toBeUndefined();
  });

  it('keeps a lossless point as null PSNR', () => {
    expect(curves.webp!['psnr-rgb']).toEqual([26, null]);
  });

  it('gives BD-rates of the latent curve against each classical one', () => {
    const bd = bdRates(curves);
    expect(Object.keys(bd).sort()).toEqual(['jpeg', 'webp']);
    const direct = bdRate(psnrPoints(curves.jpeg!), psnrPoints(curves.latent!));
    expect(bd.jpeg!.psnr).toEqual(direct);
    // Same PSNRs one dB higher for ~half the bytes: a large saving.
    expect(bd.jpeg!.psnr.ok && bd.jpeg!.psnr.bdRate).toBeLessThan(-30);
    expect(bd.jpeg!.msssim.ok).toBe(true);
    // WebP has one usable PSNR point (the other is lossless): no number.
    expect(bd.webp!.psnr).toMatchObject({ ok: false, reason: 'too-few-points' });
  });

  it('exports CompressAI documents and CSV with quoting', () => {
    const ev: EvaluationResult = {
      id: 1,
      name: 'n',
      description: '',
      model: 'm1',
      dataset: 'd',
      split: 'test',
      createdAt: '',
      images: 2,
      failed: [],
      curves,
      bdRate: bdRates(curves),
      perImage: imgs,
      seconds: 1,
    };
    const one = JSON.parse(toCompressAiJson(ev, 'latent')) as { name: string; results: Record<string, unknown> };
    expect(one.name).toBe('m1');
    expect(one.results).toMatchObject({ bpp: curves.latent!.bpp, 'psnr-rgb': [26, 30, 34], 'ms-ssim-rgb': curves.latent!['ms-ssim-rgb'] });
    const csv = toCsv(ev, true).trim().split('\n');
    expect(csv).toHaveLength(1 + 8 + 2 * 8);
    expect(csv.find((l) => l.startsWith('image,"/b, ""odd"".png",webp,60'))).toBeDefined();
    // A null PSNR is an empty cell.
    expect(csv.find((l) => l.startsWith('mean,,webp,60'))!.split(',')[7]).toBe('');
  });
});
