// The learned non-parametric factorized density of Balle et al. 2018 (appendix 6.1): per latent
// channel, a small network with monotone (softplus-positive) matrices maps a value to the logit
// of its cumulative. The likelihood of a noisy or rounded latent is the mass of the unit interval
// around it. After training, the mass of each integer becomes the channel's CDF table (codec).
import * as tf from '@tensorflow/tfjs';
import { lowerBound } from './lower-bound.js';
import type { ParamStore, SeedSequence } from './params.js';

const FILTERS = [3, 3, 3];
const INIT_SCALE = 10;
export const LIKELIHOOD_BOUND = 1e-9;

export function addFactorizedDensity(p: ParamStore, name: string, group: string, c: number, seeds: SeedSequence): void {
  const f = [1, ...FILTERS, 1];
  const scale = Math.pow(INIT_SCALE, 1 / (FILTERS.length + 1));
  for (let i = 0; i < f.length - 1; i++) {
    const init = Math.log(Math.expm1(1 / scale / f[i + 1]!));
    p.add(`${name}.mat${i}`, group, tf.fill([c, f[i + 1]!, f[i]!], init));
    p.add(`${name}.bias${i}`, group, tf.randomUniform([c, f[i + 1]!, 1], -0.5, 0.5, 'float32', seeds.next()));
    if (i < FILTERS.length) p.add(`${name}.factor${i}`, group, tf.zeros([c, f[i + 1]!, 1]));
  }
}

/** Logits of the cumulative at v [C, 1, n] (one row of values per channel). */
export function cumulativeLogits(p: ParamStore, name: string, v: tf.Tensor3D): tf.Tensor3D {
  let x = v;
  for (let i = 0; i <= FILTERS.length; i++) {
    x = tf.add(tf.matMul(tf.softplus(p.get(`${name}.mat${i}`)) as tf.Tensor3D, x), p.get(`${name}.bias${i}`));
    if (i < FILTERS.length) x = tf.add(x, tf.mul(tf.tanh(p.get(`${name}.factor${i}`)), tf.tanh(x)));
  }
  return x;
}

/** Likelihood of each element of y [B,H,W,C] (or [B,C]) under its channel's density. */
export function factorizedLikelihood(p: ParamStore, name: string, y: tf.Tensor): tf.Tensor {
  const c = y.shape[y.shape.length - 1]!;
  const rows = tf.transpose(tf.reshape(y, [-1, c])); // [C, n]
  const v = tf.expandDims(rows, 1) as tf.Tensor3D;
  const lo = cumulativeLogits(p, name, tf.sub(v, 0.5));
  const hi = cumulativeLogits(p, name, tf.add(v, 0.5));
  // Work on the side of the median where sigmoid is precise (its small tail).
  const s = tf.neg(tf.sign(tf.add(lo, hi)));
  const lik = lowerBound(tf.abs(tf.sub(tf.sigmoid(tf.mul(s, hi)), tf.sigmoid(tf.mul(s, lo)))), LIKELIHOOD_BOUND);
  return tf.reshape(tf.transpose(tf.reshape(lik, [c, -1])), y.shape);
}

/**
 * The probability of each integer lo..hi for every channel (float64, rows of hi-lo+1), and the
 * mass left outside that range, for building the codec's CDF tables after training.
 */
export function integerPmf(p: ParamStore, name: string, c: number, lo: number, hi: number): { pmf: Float64Array[]; tail: number[] } {
  const n = hi - lo + 2;
  const edges = tf.tidy(() => {
    const pts = tf.sub(tf.range(lo, hi + 2, 1, 'float32'), 0.5); // lo-0.5 .. hi+0.5
    const v = tf.tile(tf.reshape(pts, [1, 1, n]), [c, 1, 1]) as tf.Tensor3D;
    return tf.sigmoid(cumulativeLogits(p, name, v)).dataSync() as Float32Array;
  });
  const pmf: Float64Array[] = [];
  const tail: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const e = edges.subarray(ch * n, (ch + 1) * n);
    const row = new Float64Array(n - 1);
    for (let k = 0; k < n - 1; k++) row[k] = Math.max(0, e[k + 1]! - e[k]!);
    pmf.push(row);
    tail.push(Math.max(0, e[0]!) + Math.max(0, 1 - e[n - 1]!));
  }
  return { pmf, tail };
}
