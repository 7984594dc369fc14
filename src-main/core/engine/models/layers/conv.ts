// Convolution building blocks of the learned families, written as functions over a ParamStore
// (no tfjs layers): a family's forward pass is plain code, its weights plain named variables.
import * as tf from '@tensorflow/tfjs';
import { fanInUniform, type ParamStore, type SeedSequence } from './params.js';

/** Adds a kxk conv (kernel [k,k,cin,cout] and bias) named `name`. */
export function addConv(p: ParamStore, name: string, group: string, k: number, cin: number, cout: number, seeds: SeedSequence): void {
  const fanIn = k * k * cin;
  p.add(`${name}.w`, group, fanInUniform([k, k, cin, cout], fanIn, seeds.next()));
  p.add(`${name}.b`, group, fanInUniform([cout], fanIn, seeds.next()));
}

export function conv(p: ParamStore, name: string, x: tf.Tensor4D, stride = 1): tf.Tensor4D {
  return tf.conv2d(x, p.get(`${name}.w`) as tf.Tensor4D, stride, 'same').add(p.get(`${name}.b`));
}

/**
 * Sub-pixel upsampling by 2: a conv to 4x the channels, then depth-to-space (tf.depthToSpace's
 * DCR order: output channel c of sub-position (dy, dx) is input channel (dy*2 + dx)*C + c).
 * 2-3x cheaper to train than a 5x5 stride-2 transposed convolution on this CPU.
 */
export function addUp(p: ParamStore, name: string, group: string, cin: number, cout: number, seeds: SeedSequence): void {
  addConv(p, name, group, 3, cin, 4 * cout, seeds);
}

export function up(p: ParamStore, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return depthToSpace2(conv(p, name, x));
}

/** depth-to-space by 2 from reshape and transpose, so every backend has its gradient. */
export function depthToSpace2(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const split = tf.reshape(x, [b, h, w, 2, 2, c / 4]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [b, h * 2, w * 2, c / 4]);
}

export function leakyRelu(x: tf.Tensor4D): tf.Tensor4D {
  return tf.leakyRelu(x, 0.01);
}
