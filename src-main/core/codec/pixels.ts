// Channel plumbing between what an image has (gray, RGB, RGBA) and what a model codes (gray or
// RGB). Alpha never goes through the model: it is split off and stored losslessly.
import type { Channels, RawImage } from '../imaging/index.js';

/** Splits RGBA into straight (unblended) RGB and the alpha plane; other images pass through. */
export function splitAlpha(img: RawImage): { color: RawImage; alpha?: Uint8Array } {
  if (img.channels !== 4) return { color: img };
  const n = img.width * img.height;
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = img.data[4 * i]!;
    rgb[3 * i + 1] = img.data[4 * i + 1]!;
    rgb[3 * i + 2] = img.data[4 * i + 2]!;
    alpha[i] = img.data[4 * i + 3]!;
  }
  return { color: { data: rgb, width: img.width, height: img.height, channels: 3 }, alpha };
}

export function joinAlpha(color: RawImage, alpha: Uint8Array): RawImage {
  const rgb = toChannels(color, 3);
  const n = color.width * color.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[4 * i] = rgb.data[3 * i]!;
    out[4 * i + 1] = rgb.data[3 * i + 1]!;
    out[4 * i + 2] = rgb.data[3 * i + 2]!;
    out[4 * i + 3] = alpha[i]!;
  }
  return { data: out, width: color.width, height: color.height, channels: 4 };
}

/** Gray <-> RGB: replicate, or Rec. 601 luma in integer arithmetic. 4 channels are not handled here. */
export function toChannels(img: RawImage, channels: 1 | 3): RawImage {
  if (img.channels === channels) return img;
  if (img.channels === 4) throw new RangeError('split the alpha plane off first');
  const n = img.width * img.height;
  const out = new Uint8Array(n * channels);
  if (channels === 3) {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = img.data[i]!;
  } else {
    const d = img.data;
    for (let i = 0; i < n; i++) out[i] = (77 * d[3 * i]! + 150 * d[3 * i + 1]! + 29 * d[3 * i + 2]! + 128) >> 8;
  }
  return { data: out, width: img.width, height: img.height, channels: channels as Channels };
}
