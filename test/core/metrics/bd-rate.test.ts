import { describe, expect, it } from 'vitest';
import { bdQuality, bdRate, cleanCurve, msssimDb, Pchip, type RdPoint } from '../../../src-main/core/metrics/bd-rate.js';

const curve = (rates: number[], q: number[]): RdPoint[] => rates.map((rate, i) => ({ rate, quality: q[i]! }));

describe('PCHIP', () => {
  // Reference: scipy 1.17.1 PchipInterpolator on the same points (values, integral, slopes).
  const p = new Pchip([0, 1, 2.5, 3, 4.5], [0.3, 0.9, 0.7, 1.4, 2.0]);
  it('matches scipy.interpolate.PchipInterpolator', () => {
    expect(Array.from(p.d)).toEqual([expect.closeTo(0.8933333333333335, 12), 0, 0, expect.closeTo(0.6857142857142857, 12), 0]);
    expect(p.at(0.4)).toBeCloseTo(0.63984, 12);
    expect(p.at(2.75)).toBeCloseTo(1.00714286, 8);
    expect(p.at(4.1)).toBeCloseTo(1.94839365, 8);
    expect(p.integrate(0.2, 4.3)).toBeCloseTo(4.58684457, 8);
  });

  it('passes through its points and reproduces a straight line exactly', () => {
    expect(p.at(2.5)).toBeCloseTo(0.7, 14);
    const line = new Pchip([1, 2, 4, 7], [3, 5, 9, 15]);
    expect(line.at(5.5)).toBeCloseTo(12, 12);
    expect(line.integrate(1.5, 6)).toBeCloseTo(((2 * 6 + 1) ** 2 - (2 * 1.5 + 1) ** 2) / 4, 12);
  });
});

describe('BD-rate (VCEG-M33 with PCHIP)', () => {
  it('reproduces the FAU-LMS/bjontegaard README example (x265 presets), pchip method', () => {
    // Data from github.com/FAU-LMS/bjontegaard README; expected values computed with its
    // bd_piecewise_cubic.py algorithm on scipy 1.17.1 (which matches the JCT-VC CTC spreadsheet).
    const anchor = curve([9487.76, 4593.6, 2486.44, 1358.24], [40.037, 38.615, 36.845, 34.851]);
    const test = curve([9787.8, 4469.0, 2451.52, 1356.24], [40.121, 38.651, 36.97, 34.987]);
    const r = bdRate(anchor, test);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bdRate).toBeCloseTo(-4.417485350589045, 9);
    expect(r.bdQuality).toBeCloseTo(0.11969278542479489, 9);
    expect(r.range).toEqual([34.987, 40.037]);
  });

  it('matches scipy on curves with different point counts and unsorted input', () => {
    const anchor = curve([1.9, 0.12, 0.25, 0.41, 0.66, 1.05], [37.5, 26.1, 28.9, 30.2, 32.8, 34.0]);
    const test = curve([0.09, 0.2, 0.37, 0.7, 1.4], [27.0, 29.5, 31.9, 33.1, 36.2]);
    const r = bdRate(anchor, test);
    expect(r.ok && r.bdRate).toBeCloseTo(-26.489195052205126, 9);
    expect(bdQuality(anchor, test)).toBeCloseTo(1.1519437060261957, 9);
  });

  it('is exactly -20% when the test codec needs 0.8x the bits at every quality', () => {
    const q = [28, 31, 33.5, 36, 39];
    const anchor = curve([0.2, 0.45, 0.8, 1.3, 2.4], q);
    const test = curve(
      anchor.map((p) => p.rate * 0.8),
      q,
    );
    const r = bdRate(anchor, test);
    expect(r.ok && r.bdRate).toBeCloseTo(-20, 10);
    const back = bdRate(test, anchor);
    expect(back.ok && back.bdRate).toBeCloseTo(25, 10);
  });

  it('integrates only over the shared quality range', () => {
    // log10(rate) linear in quality for both: PCHIP is exact, so the answer is closed-form.
    const anchor = curve([1, 10, 100], [30, 40, 50]); // log r = (q - 30) / 10
    const test = curve([0.5, 5, 50, 500], [30, 40, 50, 60]);
    const r = bdRate(anchor, test);
    expect(r.ok && r.range).toEqual([30, 50]);
    expect(r.ok && r.bdRate).toBeCloseTo(-50, 10);
    // Of the shorter curve's range (the anchor's 30-50): all of it.
    expect(r.ok && r.overlap).toBeCloseTo(1, 12);
    const part = bdRate(anchor, curve([0.5, 5, 50, 500], [40, 50, 60, 70]));
    expect(part.ok && part.overlap).toBeCloseTo(10 / 20, 12);
  });

  it('says so instead of a number when the curves do not overlap', () => {
    const r = bdRate(curve([0.1, 0.2, 0.4], [20, 22, 24]), curve([1, 2, 4], [30, 33, 36]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('no-overlap');
    expect(r.message).toMatch(/share no quality range/);
    expect(r.anchorRange).toEqual([20, 24]);
    // No shared rate range either: no quality difference at equal rate.
    expect(r.bdQuality).toBeNull();
  });

  it('still gives the quality gap at equal rate when only the rates overlap', () => {
    // Test codec: 2 dB below the anchor everywhere on log-rate, and its whole quality range under the anchor's.
    const anchor = curve([1, 2, 4], [30, 33, 36]);
    const test = curve([1, 2, 4], [25, 27.5, 28]);
    const r = bdRate(anchor, test);
    expect(r).toMatchObject({ ok: false, reason: 'no-overlap' });
    expect(!r.ok && r.bdQuality).toBeLessThan(-4);
    const flat = bdRate(
      anchor,
      curve(
        [1, 2, 4],
        [28, 31, 34].map((q) => q - 6.5),
      ),
    );
    expect(!flat.ok && flat.bdQuality).toBeCloseTo(-8.5, 10);
  });

  it('needs two usable points per curve; lossless (infinite) points are left out', () => {
    const r = bdRate(curve([0.1, 0.2], [20, Infinity]), curve([0.1, 0.3], [19, 25]));
    expect(r).toMatchObject({ ok: false, reason: 'too-few-points' });
    expect(cleanCurve(curve([0.3, 0.2, 0.5, -1], [30, 30, 31, 40]))).toEqual(curve([0.2, 0.5], [30, 31]));
  });

  it('puts MS-SSIM on a dB scale for integration', () => {
    expect(msssimDb(0.9)).toBeCloseTo(10, 12);
    expect(msssimDb(0.99)).toBeCloseTo(20, 12);
    expect(msssimDb(1)).toBe(Infinity);
  });
});
