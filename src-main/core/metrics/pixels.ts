// Pixel plumbing shared by the metrics: images are compared in their colour channels only (an
// alpha plane is stored losslessly by the codec and by the classical encoders' comparisons), and a
// gray image compared with an RGB one is replicated to RGB first, so every metric is "over RGB".
import type { RawImage } from '../imaging/index.js';

/** The colour part of an image: 1 or 3 channels, alpha dropped (copy only when needed). */
export function colorOnly(img: RawImage): RawImage {
  if (img.channels !== 4) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = img.data[4 * i]!;
    out[3 * i + 1] = img.data[4 * i + 1]!;
    out[3 * i + 2] = img.data[4 * i + 2]!;
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

function grayToRgb(img: RawImage): RawImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = img.data[i]!;
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

/**
 * Two images made comparable: same size required, alpha dropped, gray against RGB replicated.
 * Two gray images stay gray: the RGB metric of a replicated gray image equals the gray metric.
 */
export function comparable(a: RawImage, b: RawImage): [RawImage, RawImage] {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`cannot compare a ${a.width}x${a.height} image with a ${b.width}x${b.height} one`);
  }
  if (a.data.length !== a.width * a.height * a.channels || b.data.length !== b.width * b.height * b.channels) {
    throw new RangeError('pixel buffer length does not match width x height x channels');
  }
  let x = colorOnly(a);
  let y = colorOnly(b);
  if (x.channels !== y.channels) {
    if (x.channels === 1) x = grayToRgb(x);
    else y = grayToRgb(y);
  }
  return [x, y];
}

/** One channel of an interleaved image as a float plane. */
export function plane(img: RawImage, channel: number): Float64Array {
  const n = img.width * img.height;
  const out = new Float64Array(n);
  const c = img.channels;
  for (let i = 0, j = channel; i < n; i++, j += c) out[i] = img.data[j]!;
  return out;
}
