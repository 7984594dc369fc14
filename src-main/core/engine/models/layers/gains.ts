// Continuous rate control for one network (Cui et al. 2021, asymmetric gained autoencoder): each
// training lambda has a learned gain vector that scales the latent channels before quantization,
// and an inverse gain vector applied before synthesis. A quality between two lambdas uses the
// geometric interpolation of their neighbouring vectors, so one model covers the whole range.
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';

/**
 * Gains start ordered by lambda (sqrt of the ratio to the middle lambda; inverse gains the
 * reciprocal), so higher qualities quantize finer from the first step and training only refines
 * that order; all-ones starts leave the levels to be told apart by noise.
 */
export function addGains(p: ParamStore, lambdas: readonly number[], channels: number): void {
  const sorted = [...lambdas].sort((a, b) => a - b);
  const mid = Math.sqrt(sorted[0]! * sorted[sorted.length - 1]!);
  const g = lambdas.map((l) => Math.sqrt(l / mid));
  const rows = (f: (v: number) => number) =>
    tf.tensor2d(
      g.flatMap((v) => Array.from({ length: channels }, () => f(v))),
      [g.length, channels],
    );
  p.add(
    'gain',
    'analysis',
    rows((v) => v),
  );
  p.add(
    'igain',
    'synthesis',
    rows((v) => 1 / v),
  );
}

/** Gain rows of one training level, shaped to broadcast over [..., C]. */
export function levelGains(p: ParamStore, level: number): { gain: tf.Tensor1D; igain: tf.Tensor1D } {
  const pick = (name: string) => tf.squeeze(tf.slice(p.get(name), [level, 0], [1, -1]), [0]) as tf.Tensor1D;
  return { gain: pick('gain'), igain: pick('igain') };
}

/** The level (0 .. levels-1, fractional) a quality 1-100 selects: quality 1 the lowest rate. */
export function levelOfQuality(quality: number, levels: number): number {
  const q = Math.min(100, Math.max(1, quality));
  return ((q - 1) / 99) * (levels - 1);
}

/**
 * Geometric interpolation of the gain rows at a fractional level (float64: the same on every
 * machine). Non-positive gains, which training does not produce, are clamped to a tiny positive value.
 */
export function interpolateGains(rows: Float64Array, levels: number, channels: number, level: number): Float64Array {
  const l = Math.min(levels - 1, Math.max(0, Math.floor(level)));
  const f = Math.min(1, Math.max(0, level - l));
  const out = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const a = Math.max(rows[l * channels + c]!, 1e-6);
    if (f === 0 || l + 1 >= levels) out[c] = a;
    else out[c] = Math.pow(a, 1 - f) * Math.pow(Math.max(rows[(l + 1) * channels + c]!, 1e-6), f);
  }
  return out;
}

/** Encoder gains and decoder inverse gains of a trained model at a quality 1-100 (float64). */
export function gainsAtQuality(
  p: ParamStore,
  lambdas: readonly number[],
  channels: number,
  quality: number,
): { gain: Float64Array; igain: Float64Array } {
  const level = levelOfQuality(quality, lambdas.length);
  return {
    gain: interpolateGains(p.float64('gain'), lambdas.length, channels, level),
    igain: interpolateGains(p.float64('igain'), lambdas.length, channels, level),
  };
}

/**
 * Gain rows (levels x channels) trained for `from` lambdas, moved to `to` lambdas of the same count:
 * each channel's log gain is piecewise linear in log lambda through the trained points, extended
 * past the ends along the end segments. A fine-tune that asks for other rate points than its start
 * model then starts each level where the start model would be at that lambda, not at the gains of
 * another rate (a fine-tune's small learning rate moves them little).
 */
export function gainsForLambdas(rows: Float32Array, from: readonly number[], to: readonly number[], channels: number): Float32Array {
  if (from.length !== to.length || rows.length !== from.length * channels)
    throw new RangeError(`gains: ${rows.length} values for ${from.length} lambdas x ${channels} channels, asked for ${to.length}`);
  const out = new Float32Array(rows.length);
  const lx = from.map(Math.log);
  for (let k = 0; k < to.length; k++) {
    const x = Math.log(to[k]!);
    // The segment x falls in, or the end segment it extends.
    let i = 0;
    while (i < lx.length - 2 && x > lx[i + 1]!) i++;
    for (let c = 0; c < channels; c++) {
      const a = Math.log(Math.max(rows[i * channels + c]!, 1e-6));
      if (lx.length === 1) {
        out[k * channels + c] = Math.exp(a);
        continue;
      }
      const b = Math.log(Math.max(rows[(i + 1) * channels + c]!, 1e-6));
      const t = (x - lx[i]!) / (lx[i + 1]! - lx[i]!);
      out[k * channels + c] = Math.exp(a + t * (b - a));
    }
  }
  return out;
}

/** A start model's arrays (manifest order) with its gain and inverse gain rows moved from its lambdas to a fine-tune's. */
export function startGainsAt(
  arrays: Float32Array[],
  manifest: readonly { name: string; shape: number[] }[],
  from: readonly number[],
  to: readonly number[],
): Float32Array[] {
  if (from.length !== to.length || from.every((l, i) => l === to[i])) return arrays;
  return arrays.map((a, i) => {
    const e = manifest[i]!;
    return e.name === 'gain' || e.name === 'igain' ? gainsForLambdas(a, from, to, e.shape[1]!) : a;
  });
}
