// Tile geometry (engine/tiling/geometry.ts): the receptive fields the halos are derived from, checked
// against the real transforms by moving one input value and seeing which outputs move; and the
// split of an axis into aligned, near-equal cores whose halos stay inside the image.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { factorized } from '../../../../src-main/core/engine/models/factorized/model.js';
import type { ParamStore } from '../../../../src-main/core/engine/models/layers/params.js';
import { analysis, synthesis } from '../../../../src-main/core/engine/models/layers/transforms.js';
import {
  analysisHalo,
  analysisReach,
  maxTileEdge,
  splitAxis,
  synthesisHalo,
  synthesisReach,
  tileGrid,
} from '../../../../src-main/core/engine/tiling/geometry.js';
import { Mulberry32 } from '../../../../src-main/core/engine/random.js';

const models = new Map<number, ParamStore>();
beforeAll(async () => {
  await chooseBackend();
  for (const stages of [2, 4])
    models.set(stages, factorized.build({ arch: 'factorized', n: 8, m: 8, lambdas: [0.01], crop: 32, stages }, 3, 5));
});
afterAll(() => {
  for (const p of models.values()) p.dispose();
});

/** Columns of the output (row `row`) that change when input column `at` of row `row` changes. */
function movedColumns(f: (x: tf.Tensor4D) => tf.Tensor4D, h: number, w: number, c: number, at: number, row: number): number[] {
  const rng = new Mulberry32(3);
  const base = Float32Array.from({ length: h * w * c }, () => rng.next());
  const moved = base.slice();
  for (let k = 0; k < c; k++) moved[(row * w + at) * c + k]! += 0.5;
  const [a, b, shape] = tf.tidy(() => {
    const ya = f(tf.tensor4d(base, [1, h, w, c]));
    const yb = f(tf.tensor4d(moved, [1, h, w, c]));
    return [ya.dataSync() as Float32Array, yb.dataSync() as Float32Array, ya.shape];
  });
  const [, oh, ow, oc] = shape;
  const cols = new Set<number>();
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) for (let k = 0; k < oc; k++) if (a[(y * ow + x) * oc + k] !== b[(y * ow + x) * oc + k]) cols.add(x);
  return [...cols].sort((p, q) => p - q);
}

describe('receptive fields', () => {
  it('4 stride-2 5x5 convs: a latent reads 15 pixels before its 16-pixel block and 30 after; 2 latents of halo cover it', () => {
    expect(analysisReach(4)).toEqual({ before: 15, after: 30 });
    expect(analysisReach(2)).toEqual({ before: 3, after: 6 });
    expect([2, 3, 4].map(analysisHalo)).toEqual([2, 2, 2]);
    expect(synthesisReach(4)).toEqual({ before: 2, after: 2 });
    expect([2, 3, 4].map(synthesisHalo)).toEqual([2, 2, 2]);
  });

  it.each([2, 4])('%i stages: moving pixel x changes exactly the latents whose reach holds x (the real analysis)', (stages) => {
    const p = models.get(stages)!;
    const block = 2 ** stages;
    const { before, after } = analysisReach(stages);
    const w = 8 * block;
    for (const at of [3 * block + 1, 4 * block - 1, 5 * block]) {
      // Latent k covers pixels [k*block - before, (k+1)*block - 1 + after].
      const want = Array.from({ length: w / block }, (_, k) => k).filter(
        (k) => k * block - before <= at && at <= (k + 1) * block - 1 + after,
      );
      expect(
        movedColumns((x) => analysis(p, x, stages), block * 2, w, 3, at, block),
        `pixel ${at}`,
      ).toEqual(want);
    }
  });

  it.each([2, 4])(
    '%i stages: moving latent k moves pixels of output blocks k-2 .. k+2 only, and of both end blocks (the real synthesis)',
    (stages) => {
      const p = models.get(stages)!;
      const block = 2 ** stages;
      const { before, after } = synthesisReach(stages);
      const k = 5;
      const cols = movedColumns((y) => synthesis(p, y, stages), 3, 11, 8, k, 1);
      // Output block j reads latents j - before .. j + after, so latent k reaches blocks k - after .. k + before.
      const first = (k - after) * block;
      const last = (k + before + 1) * block - 1;
      expect(cols[0]).toBeGreaterThanOrEqual(first);
      expect(cols[0]).toBeLessThan(first + block);
      expect(cols[cols.length - 1]).toBeLessThanOrEqual(last);
      expect(cols[cols.length - 1]).toBeGreaterThan(last - block);
    },
  );
});

describe('splitting an axis', () => {
  it('an axis that fits one core is one span with no halo (the whole-image computation)', () => {
    expect(splitAxis(512, 64, 512, 32)).toEqual([{ core0: 0, core1: 512, in0: 0, in1: 512 }]);
    expect(splitAxis(48, 16, 512, 32)).toEqual([{ core0: 0, core1: 48, in0: 0, in1: 48 }]);
  });

  it('cores partition the axis, aligned, near-equal and at most `core`; halos stay inside; no tile exceeds maxTileEdge', () => {
    const rng = new Mulberry32(11);
    for (let t = 0; t < 500; t++) {
      const align = [1, 4, 16, 64][Math.floor(rng.next() * 4)]!;
      const core = align * (1 + Math.floor(rng.next() * 12));
      const halo = Math.floor(rng.next() * 40);
      const extent = align * (1 + Math.floor(rng.next() * 200));
      const spans = splitAxis(extent, align, core, halo);
      const label = `extent ${extent}, align ${align}, core ${core}, halo ${halo}`;
      expect(spans[0]!.core0, label).toBe(0);
      expect(spans[spans.length - 1]!.core1, label).toBe(extent);
      const sizes = spans.map((s) => s.core1 - s.core0);
      expect(Math.max(...sizes) - Math.min(...sizes), label).toBeLessThanOrEqual(align);
      expect(spans.length, label).toBe(Math.ceil(extent / core));
      spans.forEach((s, i) => {
        if (i > 0) expect(s.core0, label).toBe(spans[i - 1]!.core1);
        expect(s.core0 % align, label).toBe(0);
        expect(s.core1 - s.core0, label).toBeLessThanOrEqual(core);
        const h = spans.length === 1 ? 0 : halo;
        expect([s.in0, s.in1], label).toEqual([Math.max(0, s.core0 - h), Math.min(extent, s.core1 + h)]);
        expect(s.in1 - s.in0, label).toBeLessThanOrEqual(maxTileEdge(core, halo));
      });
    }
  });

  it('a grid is the product of its two axes, row-major', () => {
    const g = tileGrid(1280, 640, 64, 512, 32);
    expect(g).toHaveLength(3 * 2);
    expect(g.map((t) => [t.y.core0, t.x.core0])).toEqual([
      [0, 0],
      [0, 448],
      [0, 896],
      [320, 0],
      [320, 448],
      [320, 896],
    ]);
  });
});
