// Reading a result tensor out of tfjs. Never return its typed array out of tf.tidy: tidy looks for
// tensors in what it returns with a for-in walk, which visits every element of a typed array and
// keeps each distinct value in a Set (for a 24 MP photo's latents, a second and a GB of heap).
import type * as tf from '@tensorflow/tfjs';

/** The tensor's values (a copy), after which the tensor is disposed. */
export function takeData(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
