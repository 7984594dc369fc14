// Metrics on real image pairs against values from independent implementations:
// test/fixtures/metrics/reference.py (scikit-image 0.26 structural_similarity for SSIM, a numpy/scipy
// transcription of Wang's msssim.m for MS-SSIM, numpy for PSNR; run with python3 reference.py).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src-main/core/imaging/index.js';
import { msssim, msssimScales } from '../../../src-main/core/metrics/msssim.js';
import { psnr } from '../../../src-main/core/imaging/psnr.js';
import { ssim } from '../../../src-main/core/metrics/ssim.js';

const dir = path.resolve(__dirname, '../../fixtures/metrics');
const REFERENCE = {
  'mountain-jpeg15.png': {
    ref: 'mountain-ref.png',
    psnr: 32.99264083866681,
    ssim: 0.8796846653793032,
    msssim: 0.9446317787378303,
    scales: 5,
  },
  'digits-blur.png': { ref: 'digits-ref.png', psnr: 19.188654976332206, ssim: 0.7772459330191939, msssim: 0.9272521092128767, scales: 3 },
};

describe('metrics against reference implementations', () => {
  for (const [file, want] of Object.entries(REFERENCE)) {
    it(`${file}: PSNR, SSIM (scikit-image) and MS-SSIM (msssim.m transcription)`, async () => {
      const a = await readImage(path.join(dir, want.ref));
      const b = await readImage(path.join(dir, file));
      expect(msssimScales(a.width, a.height)).toBe(want.scales);
      expect(psnr(a, b)).toBeCloseTo(want.psnr, 9);
      expect(ssim(a, b)).toBeCloseTo(want.ssim, 9);
      expect(msssim(a, b)).toBeCloseTo(want.msssim, 9);
    });
  }
});
