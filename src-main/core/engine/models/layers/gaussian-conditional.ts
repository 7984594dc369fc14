// The Gaussian conditional of a hyperprior model: y is coded with a discretized normal whose mean
// and scale the hyper-synthesis predicts per element. Scales are bounded below (SCALE_FLOOR) as
// in the reference, and the likelihood is taken on the side of the mean where it is precise.
import * as tf from '@tensorflow/tfjs';
import { LIKELIHOOD_BOUND } from './factorized-density.js';
import { lowerBound } from './lower-bound.js';

export const SCALE_FLOOR = 0.11;

/** Standard normal CDF for arguments <= 0.5 / SCALE_FLOOR in magnitude. */
function phi(x: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

export function gaussianLikelihood(y: tf.Tensor, mean: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  // Most predicted scales start under the floor: a plain maximum would give them no rate gradient.
  const s = lowerBound(scale, SCALE_FLOOR);
  const v = tf.abs(tf.sub(y, mean));
  const upper = phi(tf.div(tf.sub(0.5, v), s));
  const lower = phi(tf.div(tf.sub(-0.5, v), s));
  return lowerBound(tf.sub(upper, lower), LIKELIHOOD_BOUND);
}
