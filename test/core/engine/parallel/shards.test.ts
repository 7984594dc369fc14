// The pure pieces of data-parallel training: batch splitting, size-weighted combination of the
// shards' results, and per-sample training noise (a shard draws the rows the whole batch draws).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { uniformNoise } from '../../../../src-main/core/engine/models/layers/noise.js';
import { combineShards, splitBatch } from '../../../../src-main/core/engine/parallel/shards.js';

beforeAll(async () => {
  await chooseBackend();
});

describe('splitBatch', () => {
  it('covers the batch with consecutive non-empty shards differing by at most one sample', () => {
    expect(splitBatch(8, 2)).toEqual([
      { first: 0, count: 4 },
      { first: 4, count: 4 },
    ]);
    expect(splitBatch(7, 3)).toEqual([
      { first: 0, count: 3 },
      { first: 3, count: 2 },
      { first: 5, count: 2 },
    ]);
    expect(splitBatch(2, 4)).toEqual([
      { first: 0, count: 1 },
      { first: 1, count: 1 },
    ]);
    expect(splitBatch(5, 1)).toEqual([{ first: 0, count: 5 }]);
  });
});

describe('combineShards', () => {
  it('weights each shard by its size (the mean over the whole batch)', () => {
    const r = combineShards(
      [
        { loss: 1, bpp: 2, mse: 0.5, grads: [Float32Array.from([3, 6])] },
        { loss: 4, bpp: 8, mse: 2, grads: [Float32Array.from([0, 3])] },
      ],
      [
        { first: 0, count: 2 },
        { first: 2, count: 1 },
      ],
    );
    expect(r.loss).toBeCloseTo(2, 12);
    expect(r.bpp).toBeCloseTo(4, 12);
    expect(r.mse).toBeCloseTo(1, 12);
    expect(Array.from(r.grads[0]!)).toEqual([2, 5]);
  });
});

describe('uniformNoise', () => {
  it('is drawn per sample: a shard starting at sample k draws rows k.. of the whole batch, bit for bit', () => {
    const whole = tf.tidy(() => uniformNoise([5, 3, 2, 4], 1234, 0).dataSync() as Float32Array);
    const shard = tf.tidy(() => uniformNoise([2, 3, 2, 4], 1234, 3).dataSync() as Float32Array);
    expect(Array.from(shard)).toEqual(Array.from(whole.subarray(3 * 24, 5 * 24)));
    expect(Math.min(...whole)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...whole)).toBeLessThan(0.5);
    const other = tf.tidy(() => uniformNoise([5, 3, 2, 4], 1235, 0).dataSync() as Float32Array);
    expect(Array.from(other)).not.toEqual(Array.from(whole));
    // Rows differ from each other (each sample has its own seed).
    expect(Array.from(whole.subarray(0, 24))).not.toEqual(Array.from(whole.subarray(24, 48)));
  });
});
