// max(x, bound) whose gradient still flows when it would push x back above the bound (CompressAI's
// LowerBound): a plain maximum has zero gradient below the bound, so a parameter or prediction
// that once falls under it can never recover.
import * as tf from '@tensorflow/tfjs';

export function lowerBound(x: tf.Tensor, bound: number): tf.Tensor {
  const f = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = inputs[0] as tf.Tensor;
    (inputs[1] as tf.GradSaveFunc)([input]);
    return {
      value: tf.maximum(input, bound),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const pass = tf.logicalOr(tf.greaterEqual(saved[0]!, bound), tf.less(dy, 0));
        return [tf.mul(dy, tf.cast(pass, 'float32'))];
      },
    };
  });
  return f(x);
}
