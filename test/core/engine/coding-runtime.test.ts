// The runtime a loaded learned model codes with (engine/coding-runtime.ts): onnxruntime-node where
// it loads (it is a dependency, so here it must), tfjs when asked; a photo of several tiles coded
// through onnxruntime decodes on tfjs, and back, to pixels within one 8-bit level of the tfjs
// round trip (the symbols are the same; the transforms differ by float rounding only), and no
// tfjs tensors pile up over repeated calls.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { loadLearnedDir, type LoadedLearned } from '../../../src-main/core/engine/learned-io.js';
import { readCard } from '../../../src-main/core/engine/model-io.js';
import type { RawImage } from '../../../src-main/core/imaging/index.js';
import { mosaic } from './tiling/tiling-fixtures.js';

const BASE = path.resolve(import.meta.dirname, '../../../resources/models/base-photo');
/** Cores of 128 pixels: the 357x171 mosaic is 3 x 2 tiles. */
const TILING = { core: 128 };

let raw: RawImage;
let onnx: LoadedLearned;
let tfjs: LoadedLearned;
beforeAll(async () => {
  await chooseBackend();
  raw = await mosaic();
  const card = await readCard(BASE);
  onnx = await loadLearnedDir(BASE, card, { workers: 2, tiling: TILING });
  tfjs = await loadLearnedDir(BASE, card, { workers: 1, tiling: TILING, onnx: false });
});
afterAll(() => {
  onnx?.dispose();
  tfjs?.dispose();
});

function worstDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('coding runtime', () => {
  it('onnxruntime runs the transforms where it loads; tfjs when asked, saying why', () => {
    expect(onnx.transforms.name).toBe('onnx');
    expect(onnx.transforms.reason).toMatch(/^onnxruntime-node \d+\.\d+\.\d+ \(CPU\), 2 threads$/);
    expect(tfjs.transforms).toEqual({ name: 'tfjs', reason: 'tfjs asked for' });
  });

  it('a several-tile photo coded on onnxruntime and on tfjs decodes either way within one level', async () => {
    const w = raw.width;
    const h = raw.height;
    for (const quality of [10, 80]) {
      const viaOnnx = await onnx.codec.compress(raw, quality);
      const viaTfjs = await tfjs.codec.compress(raw, quality);
      const tt = await tfjs.codec.decompress(viaTfjs, w, h, quality);
      // Streams made on either decode on the other.
      const to = await onnx.codec.decompress(viaTfjs, w, h, quality);
      const ot = await tfjs.codec.decompress(viaOnnx, w, h, quality);
      const oo = await onnx.codec.decompress(viaOnnx, w, h, quality);
      expect(worstDifference(to.data, tt.data), `q${quality}: tfjs streams, onnx decoder`).toBeLessThanOrEqual(1);
      expect(worstDifference(oo.data, ot.data), `q${quality}: onnx streams, onnx vs tfjs decoder`).toBeLessThanOrEqual(1);
      // The encoders agree too, up to a symbol that float rounding put on the other side of .5.
      const bytes = (s: Uint8Array[]) => s.reduce((n, x) => n + x.length, 0);
      expect(Math.abs(bytes(viaOnnx) - bytes(viaTfjs))).toBeLessThanOrEqual(Math.ceil(bytes(viaTfjs) * 0.01));
    }
  });

  it('repeated onnxruntime coding leaves no tfjs tensors behind', async () => {
    const once = async () => {
      const s = await onnx.codec.compress(raw, 50);
      await onnx.codec.decompress(s, raw.width, raw.height, 50);
    };
    await once();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) await once();
    expect(tf.memory().numTensors).toBe(before);
  });
});
