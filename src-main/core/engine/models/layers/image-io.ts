// A whole image as the 4-D tensor of the conv families, reflect-padded to the family's
// downsampling (the codec itself goes through engine/tiling/, which pads the same way).
import * as tf from '@tensorflow/tfjs';
import type { FloatImage } from '../../../imaging/pixels.js';
import { padReflect } from '../../float-image.js';

export function paddedTensor(img: FloatImage, multiple: number): { x: tf.Tensor4D; ph: number; pw: number } {
  const pw = Math.ceil(img.width / multiple) * multiple;
  const ph = Math.ceil(img.height / multiple) * multiple;
  const padded = padReflect(img, pw, ph);
  return { x: tf.tensor4d(padded.data, [1, ph, pw, img.channels]), ph, pw };
}
