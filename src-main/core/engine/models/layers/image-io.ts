// Moving whole images between FloatImage (HWC floats) and the 4-D tensors of the conv families,
// padded to the family's downsampling, and symbols between latents and the range coder.
import * as tf from '@tensorflow/tfjs';
import { crop, padReflect, type FloatImage } from '../../pixels.js';

export function paddedTensor(img: FloatImage, multiple: number): { x: tf.Tensor4D; ph: number; pw: number } {
  const pw = Math.ceil(img.width / multiple) * multiple;
  const ph = Math.ceil(img.height / multiple) * multiple;
  const padded = padReflect(img, pw, ph);
  return { x: tf.tensor4d(padded.data, [1, ph, pw, img.channels]), ph, pw };
}

/** The [1, ph, pw, c] reconstruction cropped to width x height and clamped to [0, 1]. */
export function croppedImage(data: Float32Array, ph: number, pw: number, channels: number, width: number, height: number): FloatImage {
  for (let i = 0; i < data.length; i++) data[i] = data[i]! < 0 ? 0 : data[i]! > 1 ? 1 : data[i]!;
  return crop({ data, width: pw, height: ph, channels }, 0, 0, width, height);
}
