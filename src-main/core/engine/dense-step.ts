// A hand-written forward and backward pass for the dense autoencoder (a stack of dense layers),
// used by the training step instead of tfjs's autograd. The tape, the per-op bookkeeping and the
// copies autograd makes cost more than the arithmetic on models this small: on wasm the
// hand-written pass needs less than half the kernel calls. The gradients are the same (a test
// checks them against tf.grads); the loss for the sigmoid output with binary cross-entropy is
// taken from the logits (the exact gradient y - x, without clipping).
import * as tf from '@tensorflow/tfjs';
import type { Autoencoder } from './models/build.js';
import type { LossName } from './model-card.js';

type Act = 'linear' | 'relu' | 'elu' | 'tanh' | 'sigmoid';
const ACTS: readonly string[] = ['linear', 'relu', 'elu', 'tanh', 'sigmoid'];

interface DenseLayer {
  kernel: tf.Variable;
  bias: tf.Variable;
  act: Act;
}

/** The model's layers when every one is a dense layer with a bias and a supported activation. */
export function denseLayers(model: Autoencoder): DenseLayer[] | null {
  const out: DenseLayer[] = [];
  for (const layer of [...model.encoder.layers, ...model.decoder.layers]) {
    const c = layer.getConfig() as { activation?: unknown; units?: unknown };
    const w = layer.trainableWeights;
    if (layer.getClassName() !== 'Dense' || w.length !== 2 || typeof c.activation !== 'string' || !ACTS.includes(c.activation)) return null;
    out.push({ kernel: w[0]!.read() as tf.Variable, bias: w[1]!.read() as tf.Variable, act: c.activation as Act });
  }
  return out.length > 0 && out.at(-1)!.act === 'sigmoid' ? out : null;
}

/** d(act)/dz expressed through the activation's output a. */
function actGrad(act: Act, a: tf.Tensor, da: tf.Tensor): tf.Tensor {
  switch (act) {
    case 'relu':
      return tf.mul(da, tf.step(a));
    case 'elu':
      return tf.mul(da, tf.where(tf.greater(a, 0), tf.onesLike(a), tf.add(a, 1)));
    case 'tanh':
      return tf.mul(da, tf.sub(1, tf.square(a)));
    case 'sigmoid':
      return tf.mul(da, tf.mul(a, tf.sub(1, a)));
    default:
      return da;
  }
}

/**
 * Loss and gradients (kernel, bias per layer, in the order of trainableVariables) for one batch
 * x [n, inputSize], with uniform noise in [-0.5, 0.5] added to the code (the output of layer
 * `codeLayer`). Call inside tf.tidy.
 */
export function denseLossAndGrads(
  layers: DenseLayer[],
  codeLayer: number,
  loss: LossName,
  x: tf.Tensor2D,
  noiseSeed: number,
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const inputs: tf.Tensor2D[] = [];
  const acts: tf.Tensor2D[] = [];
  let a: tf.Tensor2D = x;
  let logits: tf.Tensor2D = x; // the last layer's, before its sigmoid
  layers.forEach((l, i) => {
    inputs.push(a);
    if (i === layers.length - 1) {
      logits = tf.fused.matMul({ a, b: l.kernel as tf.Tensor2D, bias: l.bias }) as tf.Tensor2D;
      a = tf.sigmoid(logits);
    } else {
      // Every activation but tanh fuses into the matmul.
      const fused = tf.fused.matMul({ a, b: l.kernel as tf.Tensor2D, bias: l.bias, activation: l.act === 'tanh' ? 'linear' : l.act });
      a = (l.act === 'tanh' ? tf.tanh(fused) : fused) as tf.Tensor2D;
    }
    acts.push(a);
    if (i === codeLayer) a = tf.add(a, tf.randomUniform(a.shape, -0.5, 0.5, 'float32', noiseSeed));
  });
  const y = a;
  const count = x.size;
  let value: tf.Scalar;
  let dz: tf.Tensor;
  if (loss === 'bce') {
    // mean(softplus(z) - x*z) = mean(max(z,0) - x*z + log(1 + exp(-|z|))), gradient (y - x)/count.
    value = tf.mean(tf.add(tf.sub(tf.relu(logits), tf.mul(x, logits)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
    dz = tf.div(tf.sub(y, x), count);
  } else {
    const diff = tf.sub(y, x);
    value = tf.mean(tf.square(diff));
    dz = tf.mul(tf.mul(diff, 2 / count), tf.mul(y, tf.sub(1, y)));
  }
  const grads: tf.Tensor[] = new Array<tf.Tensor>(layers.length * 2);
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    // The last layer's dz is already with respect to its logits; the noise passes dz unchanged.
    if (i !== layers.length - 1) dz = actGrad(l.act, acts[i]!, dz);
    grads[2 * i] = tf.matMul(inputs[i]!, dz as tf.Tensor2D, true, false);
    grads[2 * i + 1] = tf.sum(dz, 0);
    if (i > 0) dz = tf.matMul(dz as tf.Tensor2D, l.kernel as tf.Tensor2D, false, true);
  }
  return { loss: value, grads };
}
