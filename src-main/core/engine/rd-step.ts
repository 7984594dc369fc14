// One rate-distortion gradient computation on a batch (or on one replica's share of it): loss =
// lambda * 255^2 * D + bpp, gradients by tfjs autograd, everything inside tf.tidy. The trainer
// calls it for the whole batch (one worker) or for its own shard, and each training replica
// (parallel/replica-task.ts) for its shard, so every thread runs exactly the same computation.
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './models/layers/params.js';
import type { LearnedImpl } from './models/learned.js';

const LN2 = Math.LN2;

/** What stays fixed over a training run: the family, its hyperparameters and the loss. */
export interface RdStepSpec<H extends { lambdas: number[] }> {
  impl: LearnedImpl<H>;
  hyper: H;
  channels: 1 | 3;
  distortion: 'mse' | 'bce';
  /** Edge of a training sample (the family's sampleEdge). */
  edge: number;
}

/** One step's draw: the same for every shard of the batch. */
export interface RdStepDraw {
  level: number;
  noiseSeed: number;
}

/** A batch or a shard of it: samples [first, first + count) of the step's batch. */
export interface RdShard {
  data: Float32Array;
  first: number;
  count: number;
}

export interface RdShardResult {
  /** Means over the shard's samples. */
  loss: number;
  bpp: number;
  /** Mean squared error (whatever the distortion trained on), for the PSNR shown. */
  mse: number;
  /** Gradients in the order of the variables. */
  grads: Float32Array[];
}

export function distortionOf(kind: 'mse' | 'bce', x: tf.Tensor, xHat: tf.Tensor): tf.Scalar {
  if (kind === 'mse') return tf.mean(tf.squaredDifference(x, xHat)) as tf.Scalar;
  const eps = 1e-6;
  const y = tf.clipByValue(xHat, eps, 1 - eps);
  return tf.neg(tf.mean(tf.add(tf.mul(x, tf.log(y)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, y)))))) as tf.Scalar;
}

export function bitsOf(likelihoods: tf.Tensor[]): tf.Scalar {
  return tf.addN(likelihoods.map((l) => tf.sum(tf.log(l)))).div(-LN2) as tf.Scalar;
}

/** Pixels of a batch: dense-prior batches are [n, t*t*c]. */
export function pixelsOf(shape: number[], channels: number): number {
  return shape.length === 4 ? shape[0]! * shape[1]! * shape[2]! : (shape[0]! * shape[1]!) / channels;
}

/**
 * Loss and gradients of one shard. `into` (arrays of the variables' sizes) receives the gradients
 * instead of fresh arrays: a replica writes them straight into shared memory.
 */
export function rdGradients<H extends { lambdas: number[] }>(
  spec: RdStepSpec<H>,
  params: ParamStore,
  vars: tf.Variable[],
  shard: RdShard,
  draw: RdStepDraw,
  into?: Float32Array[],
): RdShardResult {
  const { impl, hyper, channels } = spec;
  const shape = impl.batchShape(hyper, shard.count, spec.edge, channels);
  const lambda = hyper.lambdas[draw.level]!;
  let parts = { bpp: 0, mse: 0 };
  return tf.tidy(() => {
    const x = tf.tensor(shard.data, shape);
    const r = tf.variableGrads(() => {
      const out = impl.forward(params, hyper, x, {
        training: true,
        level: draw.level,
        noiseSeed: draw.noiseSeed,
        firstSample: shard.first,
      });
      const bpp = tf.div(bitsOf(out.likelihoods), pixelsOf(shape, channels));
      const d = distortionOf(spec.distortion, x, out.xHat);
      parts = {
        bpp: bpp.dataSync()[0]!,
        mse: spec.distortion === 'mse' ? d.dataSync()[0]! : tf.mean(tf.squaredDifference(x, out.xHat)).dataSync()[0]!,
      };
      return tf.add(tf.mul(d, lambda * 255 * 255), bpp) as tf.Scalar;
    }, vars);
    const grads = vars.map((v, k) => {
      const g = r.grads[v.name]!.dataSync() as Float32Array;
      if (!into) return g.slice();
      into[k]!.set(g);
      return into[k]!;
    });
    return { loss: r.value.dataSync()[0]!, bpp: parts.bpp, mse: parts.mse, grads };
  });
}
