// The training noise on the latents: uniform in [-0.5, 0.5), drawn per sample. Each sample's noise
// comes from its own seed, made of the step's noise seed and the sample's index in the whole batch,
// so a batch split across training replicas (each forwarding only its shard) draws exactly the
// noise one replica forwarding the whole batch draws. tf.randomUniform over the whole tensor
// cannot do that: its stream depends on where a shard starts.
import * as tf from '@tensorflow/tfjs';
import { Mulberry32 } from '../../random.js';

/** murmur3's 32-bit finalizer: spreads nearby seeds (step n, n+1; sample i, i+1) over the whole range. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed of one sample's noise: a function of (seed, sample index in the batch) only. */
export function sampleNoiseSeed(seed: number, sample: number): number {
  return fmix32(fmix32(seed >>> 0) ^ Math.imul(sample + 1, 0x9e3779b9));
}

/**
 * Uniform noise of `shape` ([n, ...], one sample per row) whose row i belongs to sample
 * `firstSample + i` of the step's batch. Made inside the caller's tidy like any tensor.
 */
export function uniformNoise(shape: readonly number[], seed: number, firstSample: number): tf.Tensor {
  const n = shape[0]!;
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * per);
  for (let i = 0; i < n; i++) {
    const next = new Mulberry32(sampleNoiseSeed(seed, firstSample + i)).next;
    const base = i * per;
    for (let j = 0; j < per; j++) out[base + j] = next() - 0.5;
  }
  return tf.tensor(out, [...shape], 'float32');
}
