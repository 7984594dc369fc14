// Tiled coding (engine/tiling/tiled.ts): an image that fits one tile is computed exactly as the
// whole image was before tiling; an image several tiles wide gives the whole-image latents and
// pixels within float rounding (measured on wasm: identical, max difference 0), with no seam at the
// tile borders; a halo one latent short visibly breaks both (so the checks can fail). On the shipped
// photo base, through the family's own decompress, and on tiny models of both conv families.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { loadLearnedDir, type LoadedLearned } from '../../../../src-main/core/engine/learned-io.js';
import { readCard } from '../../../../src-main/core/engine/model-io.js';
import { factorized } from '../../../../src-main/core/engine/models/factorized/model.js';
import { hyperprior } from '../../../../src-main/core/engine/models/hyperprior/model.js';
import { learnedImpl } from '../../../../src-main/core/engine/models/registry.js';
import type { ParamStore } from '../../../../src-main/core/engine/models/layers/params.js';
import { toFloat, type FloatImage } from '../../../../src-main/core/imaging/pixels.js';
import { crop } from '../../../../src-main/core/engine/float-image.js';
import { splitAxis } from '../../../../src-main/core/engine/tiling/geometry.js';
import { tiledAnalysis, tiledSynthesis } from '../../../../src-main/core/engine/tiling/tiled.js';
import { firstDifference } from '../learned/learned-fixtures.js';
import { borders, maxDiff, mosaic, seamDiffs, wholeAnalysis, wholeSynthesis } from './tiling-fixtures.js';

const root = path.resolve(import.meta.dirname, '../../../..');
/** Float rounding, the most tiling may change (measured: 0 on wasm). */
const ROUNDING = 1e-5;

interface Case {
  name: string;
  params: () => ParamStore;
  stages: number;
  /** The family's padding multiple; the tile core is a small multiple of it so the image has many tiles. */
  multiple: number;
  core: number;
}

const built = new Map<string, ParamStore>();
const CASES: Case[] = [
  { name: 'factorized x/16', params: () => built.get('f4')!, stages: 4, multiple: 16, core: 48 },
  { name: 'factorized x/4', params: () => built.get('f2')!, stages: 2, multiple: 4, core: 24 },
  { name: 'hyperprior', params: () => built.get('h')!, stages: 4, multiple: 64, core: 64 },
];

let photo: FloatImage;
let base: LoadedLearned;
beforeAll(async () => {
  await chooseBackend();
  const small = { n: 8, m: 8, lambdas: [0.01], crop: 32 };
  built.set('f4', factorized.build({ arch: 'factorized', ...small }, 3, 7));
  built.set('f2', factorized.build({ arch: 'factorized', ...small, stages: 2 }, 3, 8));
  built.set('h', hyperprior.build({ arch: 'hyperprior', ...small }, 3, 9));
  photo = toFloat(await mosaic(), 3);
  const dir = path.join(root, 'resources/models/base-photo');
  base = await loadLearnedDir(dir, await readCard(dir));
});
afterAll(() => {
  for (const p of built.values()) p.dispose();
  base?.dispose();
});

describe('an image that fits one tile', () => {
  it.each(CASES)('$name: analysis and synthesis are the whole-image calls, bit for bit', async (c) => {
    const p = c.params();
    const img = crop(photo, 5, 3, 77, 41);
    const want = wholeAnalysis(p, img, c.multiple, c.stages);
    const got = await tiledAnalysis(p, img, c.multiple, c.stages);
    expect([got.h, got.w, got.c]).toEqual([want.h, want.w, want.c]);
    expect(firstDifference(got.data, want.data)).toBe(-1);
    const pixels = await tiledSynthesis(p, want, img.width, img.height, c.stages);
    expect(firstDifference(pixels.data, wholeSynthesis(p, want, img.width, img.height, c.stages, 3).data)).toBe(-1);
  });
});

describe('an image several tiles wide', () => {
  it.each(CASES)(
    '$name: tiled latents and pixels = whole-image ones within float rounding; one latent less of halo breaks them',
    async (c) => {
      const p = c.params();
      const { width, height } = photo;
      const tiling = { core: c.core };
      const progress: string[] = [];
      const whole = wholeAnalysis(p, photo, c.multiple, c.stages);
      const y = await tiledAnalysis(p, photo, c.multiple, c.stages, { tiling, onProgress: (d, n) => progress.push(`${d}/${n}`) });
      const pw = Math.ceil(width / c.multiple) * c.multiple;
      const ph = Math.ceil(height / c.multiple) * c.multiple;
      const tiles = splitAxis(pw, c.multiple, c.core, 0).length * splitAxis(ph, c.multiple, c.core, 0).length;
      expect(tiles).toBeGreaterThanOrEqual(12);
      expect(progress).toEqual(Array.from({ length: tiles }, (_, i) => `${i + 1}/${tiles}`));
      expect(maxDiff(y.data, whole.data)).toBeLessThanOrEqual(ROUNDING);
      const short = await tiledAnalysis(p, photo, c.multiple, c.stages, { tiling: { ...tiling, analysisHalo: 1 } });
      expect(maxDiff(short.data, whole.data)).toBeGreaterThan(1e-3);

      const px = await tiledSynthesis(p, whole, width, height, c.stages, { tiling });
      const ref = wholeSynthesis(p, whole, width, height, c.stages, 3);
      expect(maxDiff(px.data, ref.data)).toBeLessThanOrEqual(ROUNDING);
      const cut = await tiledSynthesis(p, whole, width, height, c.stages, { tiling: { ...tiling, synthesisHalo: 1 } });
      expect(maxDiff(cut.data, ref.data)).toBeGreaterThan(1e-3);
    },
  );

  it('the shipped photo base: a decode 6 x 3 tiles large is the whole-image decode within float rounding, with no seam', async () => {
    const impl = learnedImpl<{ arch: string }>('hyperprior');
    const rt = base.runtime;
    const { width, height } = photo;
    const quality = 70;
    const tiling = { core: 64 };
    const streams = await impl.compress(rt, photo, quality);
    const before = tf.memory().numTensors;
    const whole = await impl.decompress(rt, streams, width, height, quality);
    const tiled = await impl.decompress(rt, streams, width, height, quality, { tiling });
    const cut = await impl.decompress(rt, streams, width, height, quality, { tiling: { ...tiling, synthesisHalo: 1 } });
    expect(tf.memory().numTensors).toBe(before);
    // The synthesis tiles of this decode: a 24 x 12 latent grid in cores of 4 latents.
    const down = 16;
    const xs = borders(splitAxis(Math.ceil(width / 64) * 4, 1, 4, 0), down);
    const ys = borders(splitAxis(Math.ceil(height / 64) * 4, 1, 4, 0), down);
    expect([xs.length + 1, ys.length + 1]).toEqual([6, 3]);
    const good = seamDiffs(tiled, whole, xs, ys);
    expect(Math.max(good.border, good.inside), 'tiled against whole').toBeLessThanOrEqual(ROUNDING);
    expect(good.border, `border ${good.border} against inside ${good.inside}`).toBeLessThanOrEqual(good.inside);
    // With too little halo the borders show (the measure sees seams when there are some).
    const bad = seamDiffs(cut, whole, xs, ys);
    expect(bad.border).toBeGreaterThan(1e-3);
  });
});
