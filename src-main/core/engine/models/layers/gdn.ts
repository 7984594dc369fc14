// Generalized divisive normalization (Balle et al. 2016) and its inverse:
//   y_i = x_i / sqrt(beta_i + sum_j gamma_ji x_j^2)      (inverse: multiply by the square root)
// beta and gamma are stored reparametrized (squared, with a pedestal) and bounded below, so they stay
// positive; the bound lets gradients through when they point back up (lower-bound.ts), so an
// entry that reaches it is not frozen there (off-diagonal gammas start on it).
import * as tf from '@tensorflow/tfjs';
import { lowerBound } from './lower-bound.js';
import type { ParamStore } from './params.js';

const PEDESTAL = 2 ** -36;
const BETA_MIN = 1e-6;
const GAMMA_INIT = 0.1;

export function addGdn(p: ParamStore, name: string, group: string, c: number): void {
  p.add(`${name}.beta`, group, tf.fill([c], Math.sqrt(1 + PEDESTAL)));
  // gamma[j][i]: weight of x_j^2 in the norm of channel i, the layout of a 1x1 conv's [in, out] kernel.
  p.add(
    `${name}.gamma`,
    group,
    tf.tidy(() => tf.sqrt(tf.add(tf.mul(tf.eye(c), GAMMA_INIT), PEDESTAL))),
  );
}

/** The effective (bounded, un-reparametrized) beta and gamma. */
export function gdnEffective(p: ParamStore, name: string): { beta: tf.Tensor1D; gamma: tf.Tensor2D } {
  const beta = tf.sub(tf.square(lowerBound(p.get(`${name}.beta`), Math.sqrt(BETA_MIN + PEDESTAL))), PEDESTAL) as tf.Tensor1D;
  const gamma = tf.sub(tf.square(lowerBound(p.get(`${name}.gamma`), Math.sqrt(PEDESTAL))), PEDESTAL) as tf.Tensor2D;
  return { beta, gamma };
}

export function gdn(p: ParamStore, name: string, x: tf.Tensor4D, inverse = false): tf.Tensor4D {
  const { beta, gamma } = gdnEffective(p, name);
  const c = gamma.shape[0];
  const norm = tf.conv2d(tf.square(x), tf.reshape(gamma, [1, 1, c, c]) as tf.Tensor4D, 1, 'valid').add(beta);
  return tf.mul(x, inverse ? tf.sqrt(norm) : tf.rsqrt(norm));
}
