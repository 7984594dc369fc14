// The verdict phrases the BD-rates the charts show: who wins, by how much, in words and units.
import { describe, expect, it } from 'vitest';
import { bdRate, type RdPoint } from '../../../src-main/core/metrics/bd-rate.js';
import { isReliableBdRate, verdictLine, verdictOf } from '../../../src-main/core/metrics/verdict.js';
import { bdNumber, bdPsnrNumber } from '../../../src-main/core/metrics/curves.js';
import type { BdRatePair } from '../../../src-main/core/contract/eval.js';

/** A curve PSNR = a + 4 log2(bpp), sampled at the given rates. */
const curve = (a: number, rates: number[]): RdPoint[] => rates.map((rate) => ({ rate, quality: a + 4 * Math.log2(rate) }));
const pair = (anchor: RdPoint[], test: RdPoint[]): BdRatePair => ({ psnr: bdRate(anchor, test), msssim: bdRate(anchor, test) });
const R = [0.1, 0.2, 0.4, 0.8];

describe('verdict', () => {
  it('a model better than every codec beats all, with the BD-rate in the words', () => {
    const v = verdictOf({ jpeg: pair(curve(30, R), curve(32, R)), webp: pair(curve(31, R), curve(32, R)) });
    expect(v.level).toBe('beats-all');
    expect(v.summary).toBe('beats JPEG and WebP');
    // 2 dB at 4 dB per doubling is half a doubling: 1 - 2^-0.5 = 29 % fewer bytes.
    expect(v.standings[0]!.bdRate!).toBeCloseTo(-29.3, 0);
    expect(v.standings[0]!.text).toMatch(/^beats JPEG by 29 %/);
  });

  it('a model worse than every codec says so and what to do', () => {
    const v = verdictOf({ jpeg: pair(curve(30, R), curve(28, R)), avif: pair(curve(33, R), curve(28, R)) });
    expect(v.level).toBe('loses-all');
    expect(v.summary).toBe('worse than JPEG and AVIF: train it longer (from a base model where one fits)');
    expect(v.standings[0]!.text).toMatch(/^behind JPEG: 41 % more bytes at equal PSNR/);
    expect(verdictLine(v)).toContain('JPEG +41.4 %');
  });

  it('a BD-rate that rests on a sliver of the PSNR range gives way to the PSNR gap at equal size', () => {
    // The model's curve only touches the bottom of JPEG's: 12.0-12.4 dB shared out of 12-40 dB.
    const model: RdPoint[] = [0.1, 0.11].map((rate, i) => ({ rate, quality: 12 + 0.4 * i }));
    const jpeg: RdPoint[] = [2, 4, 8].map((rate, i) => ({ rate, quality: 12 + 14 * i }));
    const s = verdictOf({ jpeg: pair(jpeg, model) }).standings[0]!;
    // Their rates do not overlap either (0.1 against 2-8 bpp): nothing to judge by.
    expect(s.beats).toBeNull();
    expect(s.text).toBe(
      'no comparison with JPEG: the PSNR ranges share only 12.0–12.4 dB (0.4 dB, 100 % of the shorter one), too little for a BD-rate, and their sizes do not overlap',
    );
    expect(verdictOf({ jpeg: pair(jpeg, model) }).level).toBe('unknown');
    // The same sliver of PSNR range, but at sizes both reach: 5 dB behind at equal size is a loss.
    const low: RdPoint[] = [2, 4, 8].map((rate, i) => ({ rate, quality: 12 + 0.2 * i }));
    const high: RdPoint[] = [2, 4, 8].map((rate, i) => ({ rate, quality: 12.3 + 8 * i }));
    const t = verdictOf({ jpeg: pair(high, low) }).standings[0]!;
    expect(t.beats).toBe(false);
    expect(t.text).toMatch(/^\d+\.\d dB worse than JPEG at equal size \(the PSNR ranges share only 12\.3–12\.4 dB/);
  });

  it('a BD-rate over too little overlap is reported nowhere: the verdict, its line and the tables give the BD-PSNR', () => {
    const low: RdPoint[] = [2, 4, 8].map((rate, i) => ({ rate, quality: 12 + 0.2 * i }));
    const high: RdPoint[] = [2, 4, 8].map((rate, i) => ({ rate, quality: 12.3 + 8 * i }));
    const p = pair(high, low);
    // bdRate() still computes a number over the sliver...
    expect(p.psnr.ok).toBe(true);
    expect(isReliableBdRate(p.psnr)).toBe(false);
    // ...but the one rule withholds it from the verdict, its line and the evaluation lists alike.
    const v = verdictOf({ webp: p });
    expect(v.standings[0]!.bdRate).toBeNull();
    expect(verdictLine(v)).not.toMatch(/WebP [+-]\d+\.\d %/);
    expect(verdictLine(v)).toMatch(/WebP -\d+\.\d\d dB/);
    expect(bdNumber(p.psnr)).toBeNull();
    expect(bdPsnrNumber(p.psnr)).toBeCloseTo(v.standings[0]!.bdPsnr!, 9);
    // A model's short curve wholly inside a classical sweep that reaches far past it (the landscapes:
    // 2 dB of the model inside JPEG q1-q95's 19 dB) is compared over the model's whole range.
    const shortModel: RdPoint[] = [0.14, 0.18, 0.23, 0.29, 0.37, 0.44].map((rate, i) => ({ rate, quality: 27.4 + 0.4 * i }));
    const longJpeg: RdPoint[] = [0.05, 0.12, 0.24, 0.35, 0.55, 1.2, 2.4].map((rate, i) => ({ rate, quality: 22 + 3 * i }));
    const inside = pair(longJpeg, shortModel);
    expect(inside.psnr.ok && inside.psnr.overlap).toBeCloseTo(1, 9);
    expect(isReliableBdRate(inside.psnr)).toBe(true);
    // Curves that share most of their range keep their BD-rate everywhere.
    const good = pair(curve(30, R), curve(32, R));
    expect(isReliableBdRate(good.psnr)).toBe(true);
    expect(bdNumber(good.psnr)).toBeCloseTo(verdictOf({ webp: good }).standings[0]!.bdRate!, 9);
  });

  it('a model whose best point is a blur is never good news', () => {
    const v = verdictOf({ jpeg: pair(curve(10, R), curve(12, R)) }, 14.2);
    expect(v.level).toBe('mixed');
    expect(v.summary).toBe(
      'beats JPEG; but its best quality is only 14.2 dB PSNR, too blurred to use: train it longer (from a base model where one fits)',
    );
    expect(verdictOf({ jpeg: pair(curve(30, R), curve(32, R)) }, 36).level).toBe('beats-all');
  });

  it('mixed results name both sides', () => {
    const v = verdictOf({ jpeg: pair(curve(30, R), curve(31, R)), webp: pair(curve(32, R), curve(31, R)) });
    expect(v).toMatchObject({ level: 'mixed', summary: 'beats JPEG; behind WebP' });
  });

  it('curves with no shared PSNR range fall back to the PSNR gap at equal size, in dB', () => {
    // Same rates, 20 dB apart: no shared quality range, but a shared rate range.
    const v = verdictOf({ jpeg: pair(curve(40, R), curve(20, R)) });
    expect(v.level).toBe('loses-all');
    expect(v.standings[0]).toMatchObject({ bdRate: null, beats: false });
    expect(v.standings[0]!.bdPsnr!).toBeCloseTo(-20, 5);
    expect(v.standings[0]!.text).toContain('20.0 dB worse than JPEG at equal size');
  });

  it('a codec with nothing comparable is named as such, and no codec at all gives unknown', () => {
    const far = pair(curve(40, [10, 20]), curve(20, [0.01, 0.02]));
    const v = verdictOf({ jpeg: pair(curve(30, R), curve(32, R)), avif: far });
    expect(v.summary).toBe('beats JPEG; not comparable with AVIF (the curves do not meet)');
    expect(verdictOf({ avif: far }).level).toBe('unknown');
    expect(verdictOf({}).summary).toBe('not compared with JPEG, WebP or AVIF yet');
  });
});
