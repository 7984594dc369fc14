// Tile-parallel coding (engine/tiling/tile-pool.ts): with the shipped photo base, a photo of 18
// tiles compressed and decompressed over 2 worker threads gives the same .latent bytes and the same
// pixels as the serial tiled path; no tensors pile up in this thread or in any worker over repeated
// calls; a tile larger than the pool was sized for is refused in one line and the pool goes on;
// closing the pool ends its threads.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compressImage, prepareRaw } from '../../../../src-main/core/codec/compress.js';
import { decodeSingle } from '../../../../src-main/core/codec/decompress.js';
import { readAnySingle } from '../../../../src-main/core/codec/any-latent.js';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import type { CodecModel } from '../../../../src-main/core/codec/model.js';
import { loadLearnedDir, type LoadedLearned } from '../../../../src-main/core/engine/learned-io.js';
import { readCard } from '../../../../src-main/core/engine/model-io.js';
import { hyperprior } from '../../../../src-main/core/engine/models/hyperprior/model.js';
import { toFloat } from '../../../../src-main/core/imaging/pixels.js';
import { TilePool } from '../../../../src-main/core/engine/tiling/tile-pool.js';
import { tiledAnalysis, tiledSynthesis, type TiledOptions } from '../../../../src-main/core/engine/tiling/tiled.js';
import type { RawImage } from '../../../../src-main/core/imaging/index.js';
import { firstDifference } from '../learned/learned-fixtures.js';
import { mosaic } from './tiling-fixtures.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const BASE = path.join(root, 'resources/models/base-photo');
/** Cores of 64 pixels: the 357x171 mosaic is 6 x 3 tiles. */
const TILING = { core: 64 };

let raw: RawImage;
beforeAll(async () => {
  await chooseBackend();
  raw = await mosaic();
});

/** The .latent bytes of `raw` at `quality`, the pixels they decode to, and the tile progress of both passes. */
async function roundTrip(model: CodecModel, quality: number): Promise<{ bytes: Uint8Array; pixels: Uint8Array; progress: string[] }> {
  const progress: string[] = [];
  const r = await compressImage(model, prepareRaw(model, raw), { quality, onTiles: (d, n) => progress.push(`a ${d}/${n}`) });
  const decoded = await decodeSingle(model, readAnySingle(r.bytes, 'mosaic.latent'), 'mosaic.latent', undefined, (d, n) =>
    progress.push(`s ${d}/${n}`),
  );
  return { bytes: r.bytes, pixels: decoded.image.data, progress };
}

/** The shipped base as the codec sees it, coding through `workers` threads. */
async function baseModel(workers: number): Promise<{ model: CodecModel; loaded: LoadedLearned }> {
  const card = await readCard(BASE);
  // tfjs on purpose: this is the tile pool's test (onnxruntime, where it loads, runs tiles on its own threads).
  const loaded = await loadLearnedDir(BASE, card, { workers, tiling: TILING, onnx: false });
  const refuse = () => Promise.reject(new Error('a learned model codes through its family'));
  return { model: { id: card.id, weightsHash: loaded.weightsHash, card, learned: loaded.codec, encode: refuse, decode: refuse }, loaded };
}

describe('tile-parallel coding', () => {
  it('2 workers give the serial tiled result: the same .latent bytes and the same decoded pixels', async () => {
    const serial = await baseModel(1);
    const parallel = await baseModel(2);
    try {
      for (const quality of [20, 90]) {
        const a = await roundTrip(serial.model, quality);
        const b = await roundTrip(parallel.model, quality);
        expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes)), `quality ${quality}: .latent bytes`).toBe(true);
        expect(firstDifference(b.pixels, a.pixels), `quality ${quality}: first differing pixel value`).toBe(-1);
        // Progress moves tile by tile through both passes (6 x 3 tiles each), in the pool as in one thread.
        const steps = (k: string) => Array.from({ length: 18 }, (_, i) => `${k} ${i + 1}/18`);
        expect(b.progress).toEqual([...steps('a'), ...steps('s')]);
        expect(a.progress).toEqual(b.progress);
      }
      // The parallel one really ran in its 2 threads; the serial one started none.
      expect([serial.loaded.tileThreads(), parallel.loaded.tileThreads()]).toEqual([0, 2]);
    } finally {
      serial.loaded.dispose();
      parallel.loaded.dispose();
    }
  });
});

describe('the tile pool', () => {
  const h = { arch: 'hyperprior' as const, n: 8, m: 8, lambdas: [0.01], crop: 64 };
  const params = () => hyperprior.build(h, 3, 4);

  it('holds no more tensors after repeated calls, here or in its workers, and its threads end when closed', async () => {
    const p = params();
    const pool = new TilePool({ params: p, stages: 4, workers: 2, tiling: TILING });
    const opts: TiledOptions = { choose: () => ({ runner: pool, parallel: 2 }), tiling: TILING };
    const img = toFloat(raw, 3);
    try {
      const once = async () => {
        const y = await tiledAnalysis(p, img, 64, 4, opts);
        return tiledSynthesis(p, y, img.width, img.height, 4, opts);
      };
      const first = await once();
      const here = tf.memory().numTensors;
      const there = await pool.numTensors();
      expect(there).toHaveLength(2);
      for (let k = 0; k < 3; k++) {
        const again = await once();
        expect(firstDifference(again.data, first.data)).toBe(-1);
        expect(tf.memory().numTensors).toBe(here);
        expect(await pool.numTensors()).toEqual(there);
      }
    } finally {
      await pool.close();
      p.dispose();
    }
    await pool.exited;
    await expect(pool.synthesis({ data: new Float32Array(8 * 4 * 4), h: 4, w: 4, c: 8 })).rejects.toThrow(/closed/);
  });

  it('refuses a tile larger than it was sized for in one line, and goes on', async () => {
    const p = params();
    const pool = new TilePool({ params: p, stages: 4, workers: 1, tiling: TILING });
    try {
      const big = { data: new Float32Array(200 * 200 * 3), h: 200, w: 200, c: 3 };
      await expect(pool.analysis(big)).rejects.toThrow(/^a 200x200x3 tile is larger than the tiling this pool was sized for$/);
      const ok = await pool.analysis({ data: new Float32Array(64 * 64 * 3).fill(0.5), h: 64, w: 64, c: 3 });
      expect([ok.h, ok.w, ok.c]).toEqual([4, 4, 8]);
    } finally {
      await pool.close();
      p.dispose();
    }
  });
});
