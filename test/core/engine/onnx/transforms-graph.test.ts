// The analysis and synthesis transforms on onnxruntime (graphs written from the weights) agree with
// tfjs (tfjsRunner: layers/transforms.ts) within float tolerance: max |onnx - tfjs| <= 1e-4 of the tfjs output's
// range, on tiny random models of both families (N 8, M 12; 4 and 2 stages; RGB and gray; sizes
// whose latent grids are odd) with GDN parameters drawn partly under their lower bounds, and on the
// shipped base-photo on a real 256x256 photo crop. Also: sessions are shared and freed, bad tiles
// are refused in one line, and LATENT_STUDIO_NO_ONNX=1 gives no runner and says why.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { loadLearnedDir } from '../../../../src-main/core/engine/learned-io.js';
import { readCard } from '../../../../src-main/core/engine/model-io.js';
import { gainsAtQuality } from '../../../../src-main/core/engine/models/layers/gains.js';
import type { ParamStore } from '../../../../src-main/core/engine/models/layers/params.js';
import {
  tfjsRunner,
  tileDifference,
  type TensorTile,
  type TransformRunner,
} from '../../../../src-main/core/engine/models/layers/transform-runner.js';
import { learnedImpl } from '../../../../src-main/core/engine/models/registry.js';
import { onnxRunner, onnxStatus, openSessions } from '../../../../src-main/core/engine/onnx/runner.js';
import { toFloat } from '../../../../src-main/core/imaging/pixels.js';
import { mulberry32 } from '../../../../src-main/core/engine/random.js';
import { readImage } from '../../../../src-main/core/imaging/index.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const TOLERANCE = 1e-4;

beforeAll(async () => {
  await chooseBackend();
});

function random(n: number, seed: number, lo: number, hi: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** Stored (reparametrized) GDN values drawn so that some fall under the bounds gdnEffective applies. */
function randomizeGdn(p: ParamStore, seed: number): void {
  const arrays = p.toArrays();
  p.entries.forEach((e, i) => {
    if (e.name.endsWith('.beta')) arrays[i] = random(arrays[i]!.length, seed + i, -0.3, 1.2);
    if (e.name.endsWith('.gamma')) arrays[i] = random(arrays[i]!.length, seed + i, -0.1, 0.6);
  });
  p.setArrays(arrays);
}

/** max |got - want| as a fraction of want's range (which must not be flat, or the test proves nothing). */
function expectAgree(got: TensorTile, want: TensorTile): void {
  expect([got.h, got.w, got.c]).toEqual([want.h, want.w, want.c]);
  const { worst, range } = tileDifference(got, want);
  expect(range).toBeGreaterThan(1e-3);
  expect(worst / range).toBeLessThanOrEqual(TOLERANCE);
}

async function runner(p: ParamStore, stages: number): Promise<TransformRunner> {
  const r = await onnxRunner(p, stages, { threads: 1 });
  if (!r) throw new Error(`onnxruntime-node must load in the tests: ${(await onnxStatus()).reason}`);
  return r;
}

interface TinyCase {
  family: 'factorized' | 'hyperprior';
  channels: 1 | 3;
  stages: number;
  h: number;
  w: number;
}

const CASES: TinyCase[] = [
  { family: 'factorized', channels: 3, stages: 4, h: 48, w: 80 },
  { family: 'factorized', channels: 1, stages: 4, h: 80, w: 16 },
  { family: 'factorized', channels: 1, stages: 2, h: 28, w: 44 },
  { family: 'factorized', channels: 3, stages: 2, h: 20, w: 12 },
  { family: 'hyperprior', channels: 3, stages: 4, h: 48, w: 80 },
  { family: 'hyperprior', channels: 1, stages: 4, h: 112, w: 48 },
];

function buildTiny(c: TinyCase, seed: number): ParamStore {
  const base = { n: 8, m: 12, lambdas: [0.005, 0.02], crop: 64 };
  const p =
    c.family === 'factorized'
      ? learnedImpl('factorized').build({ arch: 'factorized', ...base, stages: c.stages }, c.channels, seed)
      : learnedImpl('hyperprior').build({ arch: 'hyperprior', ...base }, c.channels, seed);
  randomizeGdn(p, seed * 101);
  return p;
}

describe('ONNX transforms agree with tfjs', () => {
  it.each(CASES)('$family, $channels channel(s), $stages stages, $w x $h', async (c) => {
    const p = buildTiny(c, 7);
    const r = await runner(p, c.stages);
    try {
      const x: TensorTile = { data: random(c.h * c.w * c.channels, 11, 0, 1), h: c.h, w: c.w, c: c.channels };
      const ref = tfjsRunner(p, c.stages);
      const yRef = await ref.analysis(x);
      expect([yRef.h, yRef.w].every((d) => d % 2 === 1)).toBe(true);
      expectAgree(await r.analysis(x), yRef);
      // Latents the size of the analysis output, rounded as the codec's would be after a gain.
      const yHat: TensorTile = { ...yRef, data: yRef.data.map((v, i) => Math.round(v * 40 + (i % 5)) / 40) };
      expectAgree(await r.synthesis(yHat), await ref.synthesis(yHat));
    } finally {
      r.dispose();
      p.dispose();
    }
  });

  it('the shipped base-photo on a 256x256 photo crop: analysis, then synthesis of the quantized latents', async () => {
    const dir = path.join(root, 'resources/models/base-photo');
    const loaded = await loadLearnedDir(dir, await readCard(dir));
    const p = loaded.runtime.params;
    const r = await runner(p, 4);
    try {
      const img = toFloat(await readImage(path.join(root, 'test/fixtures/onnx/seeding-256.jpg'), { channels: 3 }), 3);
      const x: TensorTile = { data: img.data, h: img.height, w: img.width, c: 3 };
      const ref = tfjsRunner(p, 4);
      const yRef = await ref.analysis(x);
      expect([yRef.h, yRef.w, yRef.c]).toEqual([16, 16, 96]);
      expectAgree(await r.analysis(x), yRef);
      const { gain, igain } = gainsAtQuality(p, [0.002, 0.005, 0.012, 0.03], 96, 75);
      const yHat: TensorTile = { ...yRef, data: yRef.data.map((v, i) => Math.round(v * gain[i % 96]!) * igain[i % 96]!) };
      expectAgree(await r.synthesis(yHat), await ref.synthesis(yHat));
    } finally {
      r.dispose();
      loaded.dispose();
    }
  });
});

describe('onnxRunner', () => {
  let p: ParamStore;
  beforeAll(() => {
    p = buildTiny(CASES[3]!, 3);
  });
  afterAll(() => p.dispose());

  it('runners of the same weights share one session per direction, freed with the last runner', async () => {
    const before = openSessions();
    const a = await runner(p, 2);
    const b = await runner(p, 2);
    const y = { data: random(5 * 3 * 12, 1, -2, 2), h: 5, w: 3, c: 12 };
    const outA = await a.synthesis(y);
    const outB = await b.synthesis(y);
    expect(openSessions()).toBe(before + 1);
    expect(Array.from(outB.data)).toEqual(Array.from(outA.data));
    a.dispose();
    expect(openSessions()).toBe(before + 1);
    b.dispose();
    expect(openSessions()).toBe(before);
    // The outputs belong to JavaScript, not to the released session.
    expect(outA.data.length).toBe(20 * 12 * 3);
    expectAgree(outA, await tfjsRunner(p, 2).synthesis(y));
    await expect(a.synthesis(y)).rejects.toThrow(/disposed/);
  });

  it('takes tiles that are views of a SharedArrayBuffer (the tile pool hands those out)', async () => {
    const r = await runner(p, 2);
    try {
      const plain = random(8 * 12 * 3, 4, 0, 1);
      const shared = new Float32Array(new SharedArrayBuffer(4 * (plain.length + 10)), 8, plain.length);
      shared.set(plain);
      const a = await r.analysis({ data: shared, h: 8, w: 12, c: 3 });
      const b = await r.analysis({ data: plain, h: 8, w: 12, c: 3 });
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
    } finally {
      r.dispose();
    }
  });

  it('leaves tf.memory().numTensors where it found it', async () => {
    (await runner(p, 2)).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await runner(p, 2)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses tiles that do not fit, in one line', async () => {
    const r = await runner(p, 2);
    try {
      await expect(r.analysis({ data: new Float32Array(18 * 12 * 3), h: 18, w: 12, c: 3 })).rejects.toThrow(
        'onnx analysis: a 12x18 tile is not padded to a multiple of 4',
      );
      await expect(r.analysis({ data: new Float32Array(8 * 8), h: 8, w: 8, c: 1 })).rejects.toThrow('the tile has 1 channels, the model 3');
      await expect(r.synthesis({ data: new Float32Array(5), h: 2, w: 2, c: 12 })).rejects.toThrow('5 values for a 2x2x12 tile');
      await expect(onnxRunner(p, 4)).rejects.toThrow("the model's analysis has 2 stages, not 4");
    } finally {
      r.dispose();
    }
  });

  it('is available here, and LATENT_STUDIO_NO_ONNX=1 gives no runner with its reason', async () => {
    const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
    expect(await onnxStatus({})).toEqual({ available: true, version, reason: `onnxruntime-node ${version} (CPU)` });
    const env = { LATENT_STUDIO_NO_ONNX: '1' };
    expect(await onnxRunner(p, 2, { env })).toBeUndefined();
    expect(await onnxStatus(env)).toEqual({ available: false, reason: 'LATENT_STUDIO_NO_ONNX=1: the transforms run on tfjs' });
  });
});
