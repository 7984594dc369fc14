// The learned families against their declarations: parameter groups, forward-pass shapes and
// likelihood ranges, the MAC figures, and the family registry.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { FAMILIES, FAMILY_NAMES, defaultFamily, familyByFormatId, familyMeta } from '../../../../src-main/core/engine/models/families.js';
import type { FamilyMeta } from '../../../../src-main/core/engine/models/family-meta.js';
import { factorizedMeta } from '../../../../src-main/core/engine/models/factorized/meta.js';
import { hyperpriorMeta } from '../../../../src-main/core/engine/models/hyperprior/meta.js';
import { densePriorMeta } from '../../../../src-main/core/engine/models/dense-prior/meta.js';
import { learnedImpl } from '../../../../src-main/core/engine/models/registry.js';
import { CASES, TINY_DENSE_PRIOR, implOf, type FamilyCase } from '../learned/learned-fixtures.js';

beforeAll(async () => {
  await chooseBackend();
});

const metas = FAMILIES as readonly FamilyMeta[];

/** The latent shapes a batch of 2 samples of the case's edge must produce. */
function latentShapes(c: FamilyCase): number[][] {
  const h = c.hyper;
  if (h.arch === 'factorized') return [[2, c.edge / 16, c.edge / 16, h.m]];
  if (h.arch === 'hyperprior')
    return [
      [2, c.edge / 16, c.edge / 16, h.m],
      [2, c.edge / 64, c.edge / 64, h.n],
    ];
  return [[2, h.codeSize]];
}

describe('learned families: parameters and forward shapes', () => {
  it.each(CASES)('$name: the builder makes exactly the groups its meta declares, each non-empty', (c) => {
    const before = tf.memory().numTensors;
    const p = implOf(c).build(c.hyper, c.channels, 3);
    // Every parameter is one variable: building leaves no initializer tensors behind.
    expect(tf.memory().numTensors - before).toBe(p.entries.length);
    const meta = familyMeta(c.name)!;
    const groups = [...new Set(p.entries.map((e) => e.group))].sort();
    expect(groups).toEqual([...meta.weightGroups].sort());
    for (const g of meta.weightGroups) expect(p.count([g])).toBeGreaterThan(0);
    expect(p.count()).toBe(p.entries.reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0));
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(CASES)('$name: forward of a batch of 2 gives xHat of the input shape and likelihoods of the latent shapes, in (0, 1]', (c) => {
    const impl = implOf(c);
    const p = impl.build(c.hyper, c.channels, 4);
    const shape = impl.batchShape(c.hyper, 2, c.edge, c.channels);
    expect(shape).toEqual(c.name === 'dense-prior' ? [2, c.edge * c.edge * c.channels] : [2, c.edge, c.edge, c.channels]);
    for (const training of [true, false]) {
      for (const level of [0, c.hyper.lambdas.length - 1]) {
        const r = tf.tidy(() => {
          const x = tf.randomUniform(shape, 0, 1, 'float32', 11);
          const out = impl.forward(p, c.hyper, x, { training, level, noiseSeed: 5 });
          return {
            xHat: out.xHat.shape,
            shapes: out.likelihoods.map((l) => l.shape),
            values: out.likelihoods.map((l) => l.dataSync() as Float32Array),
            finite: tf.all(tf.isFinite(out.xHat)).dataSync()[0],
          };
        });
        expect(r.xHat).toEqual(shape);
        expect(r.finite).toBe(1);
        expect(r.shapes).toEqual(latentShapes(c));
        for (const v of r.values) {
          let lo = Number.POSITIVE_INFINITY;
          let hi = Number.NEGATIVE_INFINITY;
          for (const x of v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
          }
          expect(lo).toBeGreaterThan(0);
          expect(hi).toBeLessThanOrEqual(1);
        }
      }
    }
    p.dispose();
  });

  it('training noise is seeded: the same noiseSeed repeats the likelihoods, another changes them', () => {
    const c = CASES[0]!;
    const impl = implOf(c);
    const p = impl.build(c.hyper, c.channels, 4);
    const run = (noiseSeed: number) =>
      tf.tidy(() => {
        const x = tf.randomUniform([2, c.edge, c.edge, 3], 0, 1, 'float32', 11);
        return impl.forward(p, c.hyper, x, { training: true, level: 0, noiseSeed }).likelihoods[0]!.dataSync() as Float32Array;
      });
    expect(Array.from(run(7))).toEqual(Array.from(run(7)));
    expect(Array.from(run(8))).not.toEqual(Array.from(run(7)));
    p.dispose();
  });
});

describe('learned families: MAC per pixel', () => {
  it('factorized N64/M96 RGB: the decoder is 15456 MAC per pixel (the published figure)', () => {
    expect(factorizedMeta.mac({ arch: 'factorized', n: 64, m: 96, lambdas: [0.01], crop: 128 }, 3).decoder).toBe(15456);
  });

  it('hyperprior N64/M96 RGB: decoder = the factorized synthesis + the hyper-synthesis (612, counted by hand)', () => {
    // hs.0: 3x3, 64 -> 256 at z (1/4096 px) = 36; hs.1: 3x3, 64 -> 256 at 1/1024 = 144; hs.2: 3x3, 64 -> 192 at y (1/256) = 432.
    const h = { arch: 'hyperprior' as const, n: 64, m: 96, lambdas: [0.01], crop: 128 };
    expect(hyperpriorMeta.mac(h, 3).decoder).toBe(15456 + 36 + 144 + 432);
    // The encoder runs the analysis (11144) and both hyper transforms: hyper-analysis is ha.0 3x3 96 -> 64
    // at y (216), ha.1 5x5 64 -> 64 at 1/1024 (100), ha.2 5x5 64 -> 64 at z (25).
    expect(hyperpriorMeta.mac(h, 3).encoder).toBe(11144 + 216 + 100 + 25 + 612);
  });

  it('dense-prior: the decoder MAC is the decoder weight count per pixel of the built model', () => {
    const c = CASES.find((k) => k.name === 'dense-prior')!;
    const p = implOf(c).build(c.hyper, c.channels, 1);
    const decWeights = p.entries
      .filter((e) => e.name.startsWith('dec.') && e.name.endsWith('.w'))
      .reduce((n, e) => n + e.shape[0]! * e.shape[1]!, 0);
    const encWeights = p.entries
      .filter((e) => e.name.startsWith('enc.') && e.name.endsWith('.w'))
      .reduce((n, e) => n + e.shape[0]! * e.shape[1]!, 0);
    const px = TINY_DENSE_PRIOR.tile * TINY_DENSE_PRIOR.tile;
    expect(densePriorMeta.mac(TINY_DENSE_PRIOR, 1)).toEqual({ encoder: encWeights / px, decoder: decWeights / px });
    p.dispose();
  });
});

describe('family registry', () => {
  it('every family of FAMILIES is known by name; learned ones have an implementation and distinct format ids', () => {
    expect(FAMILY_NAMES).toEqual(metas.map((m) => m.name));
    expect(new Set(FAMILY_NAMES).size).toBe(FAMILY_NAMES.length);
    const learned = metas.filter((m) => m.learned);
    expect(learned.map((m) => m.name).sort()).toEqual(['dense-prior', 'factorized', 'hyperprior']);
    for (const m of metas) {
      expect(familyMeta(m.name)).toBe(m);
      if (m.learned) {
        const impl = learnedImpl(m.name);
        for (const fn of [impl.build, impl.batchShape, impl.forward, impl.buildTables, impl.compress, impl.decompress])
          expect(typeof fn).toBe('function');
        expect(Number.isInteger(m.formatId)).toBe(true);
        expect(m.formatId).toBeGreaterThanOrEqual(0);
        expect(m.formatId).toBeLessThanOrEqual(15);
        expect(familyByFormatId(m.formatId!)).toBe(m);
      } else {
        expect(m.formatId).toBeNull();
        expect(() => learnedImpl(m.name)).toThrow(/not a learned family/);
      }
    }
    const ids = learned.map((m) => m.formatId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(familyMeta('nope')).toBeUndefined();
    expect(() => learnedImpl('nope')).toThrow(/not a learned family/);
  });

  it('every learned family: hyper() output passes its schema and its sample edge fits its forward pass', () => {
    for (const m of metas.filter((k) => k.learned)) {
      for (const facts of [
        { channels: 3 as const, maxEdge: 512, typical: { width: 512, height: 384 } },
        { channels: 1 as const, maxEdge: 28, typical: { width: 28, height: 28 } },
      ]) {
        for (const tile of [undefined, 40, 100]) {
          const h = m.hyper({ tile }, facts);
          expect(m.hyperSchema.safeParse(h).success).toBe(true);
          const edge = m.sampleEdge(h);
          if (m.name === 'factorized') expect(edge % 2 ** ((h as { stages?: number }).stages ?? 4)).toBe(0);
          if (m.name === 'hyperprior') expect(edge % 64).toBe(0);
          expect((h as unknown as { lambdas: number[] }).lambdas).toEqual(
            [...(h as unknown as { lambdas: number[] }).lambdas].sort((a, b) => a - b),
          );
        }
      }
    }
    // Small images keep a 7x7 latent grid for a 28x28 image: two stages, the whole image as the sample.
    const small = factorizedMeta.hyper({}, { channels: 1, maxEdge: 28, typical: { width: 28, height: 28 } });
    expect(small).toMatchObject({ stages: 2, crop: 28 });
    expect(factorizedMeta.codeValues(small, 28, 28)).toBe(7 * 7 * small.m);
    // Photos train on 256x256 crops, 4 a step, where the images are big enough (the base's crop), else 128x128, 8 a step.
    const landscapes = hyperpriorMeta.hyper({}, { channels: 3, maxEdge: 720, typical: { width: 720, height: 360 } });
    expect(landscapes.crop).toBe(256);
    expect(hyperpriorMeta.batchSizeFor?.(landscapes)).toBe(4);
    const smallPhotos = hyperpriorMeta.hyper({}, { channels: 3, maxEdge: 240, typical: { width: 240, height: 180 } });
    expect(smallPhotos.crop).toBe(128);
    expect(hyperpriorMeta.batchSizeFor?.(smallPhotos)).toBe(8);
    // The default family for any dataset is a learned family of the registry.
    for (const edge of [20, 64, 65, 4000]) expect(familyMeta(defaultFamily(edge))?.learned).toBe(true);
  });
});
