// Encode and decode whole images with a trained autoencoder. Dense models work on TxT tiles;
// conv models on the whole (reflect-padded) image, or in tiles with a halo when it is large, so
// memory stays bounded and no seams show (the halo covers the model's receptive field).
// Every tensor step is inside tf.tidy.
import * as tf from '@tensorflow/tfjs';
import type { RawImage } from '../imaging/index.js';
import type { ConvHyper, DenseHyper } from './model-card.js';
import { toBytes, toFloat, type FloatImage } from '../imaging/pixels.js';
import { crop, fromTiles, padReflect, paste, toTiles } from './float-image.js';

export interface CodeGrid {
  data: Float32Array;
  gh: number;
  gw: number;
  c: number;
}

const DENSE_BATCH = 2048;

/**
 * How far (in units of the model's input: pixels for the encoder, code cells for the decoder)
 * an output can see on either side, from the model's own layers, so a tile's halo covers the
 * whole receptive field whatever the architecture. One extra step per strided layer covers the
 * uneven 'same' padding.
 */
export function reach(model: tf.LayersModel): number {
  let jump = 1;
  let r = 0;
  for (const layer of model.layers) {
    const c = layer.getConfig() as { kernelSize?: number | number[]; strides?: number | number[]; blockSize?: number };
    if (c.kernelSize !== undefined) {
      const k = Math.max(...[c.kernelSize].flat());
      const s = Math.max(...[c.strides ?? 1].flat());
      r += (Math.ceil((k - 1) / 2) + (s > 1 ? 1 : 0)) * jump;
      jump *= s;
    } else if (c.blockSize !== undefined) {
      jump /= c.blockSize;
    }
  }
  return r;
}

/** Halo in code cells around each tile: the encoder's reach in pixels or the decoder's in cells. */
function haloCells(model: tf.LayersModel, unit: number): number {
  return Math.ceil(reach(model) / unit) + 1;
}

function predict(model: tf.LayersModel, input: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor(input, shape)) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

// ---- dense ----

export function denseEncode(encoder: tf.LayersModel, h: DenseHyper, img: FloatImage): CodeGrid {
  const t = h.tile;
  const padded = padReflect(img, Math.ceil(img.width / t) * t, Math.ceil(img.height / t) * t);
  const { tiles, gh, gw } = toTiles(padded, t);
  const size = t * t * img.channels;
  const n = gh * gw;
  const data = new Float32Array(n * h.codeSize);
  for (let i = 0; i < n; i += DENSE_BATCH) {
    const m = Math.min(DENSE_BATCH, n - i);
    data.set(predict(encoder, tiles.subarray(i * size, (i + m) * size), [m, size]), i * h.codeSize);
  }
  return { data, gh, gw, c: h.codeSize };
}

export function denseDecode(
  decoder: tf.LayersModel,
  h: DenseHyper,
  code: CodeGrid,
  channels: number,
  width: number,
  height: number,
): FloatImage {
  const t = h.tile;
  const n = code.gh * code.gw;
  const size = t * t * channels;
  const tiles = new Float32Array(n * size);
  for (let i = 0; i < n; i += DENSE_BATCH) {
    const m = Math.min(DENSE_BATCH, n - i);
    tiles.set(predict(decoder, code.data.subarray(i * code.c, (i + m) * code.c), [m, code.c]), i * size);
  }
  const full = fromTiles(tiles, code.gh, code.gw, t, channels);
  return crop(full, 0, 0, width, height);
}

// ---- conv ----

function convEncodeWhole(encoder: tf.LayersModel, img: FloatImage, f: number, codeChannels: number): CodeGrid {
  const data = predict(encoder, img.data, [1, img.height, img.width, img.channels]);
  return { data, gh: img.height / f, gw: img.width / f, c: codeChannels };
}

/** Encodes an image (sides multiples of f) in tiles of `tile` px with a halo; exact crops of the code. */
export function convEncode(encoder: tf.LayersModel, h: ConvHyper, img: FloatImage, tile = h.tile): CodeGrid {
  const f = h.downsampling;
  const padded = padReflect(img, Math.ceil(img.width / f) * f, Math.ceil(img.height / f) * f);
  const gh = padded.height / f;
  const gw = padded.width / f;
  if (padded.width <= tile && padded.height <= tile) return convEncodeWhole(encoder, padded, f, h.codeChannels);
  const tc = Math.max(1, Math.floor(tile / f));
  const hc = haloCells(encoder, f);
  const data = new Float32Array(gh * gw * h.codeChannels);
  for (let cy = 0; cy < gh; cy += tc) {
    for (let cx = 0; cx < gw; cx += tc) {
      const cy1 = Math.min(gh, cy + tc);
      const cx1 = Math.min(gw, cx + tc);
      const ey0 = Math.max(0, cy - hc);
      const ex0 = Math.max(0, cx - hc);
      const ey1 = Math.min(gh, cy1 + hc);
      const ex1 = Math.min(gw, cx1 + hc);
      const part = convEncodeWhole(encoder, crop(padded, ex0 * f, ey0 * f, (ex1 - ex0) * f, (ey1 - ey0) * f), f, h.codeChannels);
      for (let y = cy; y < cy1; y++) {
        const s = ((y - ey0) * part.gw + (cx - ex0)) * h.codeChannels;
        data.set(part.data.subarray(s, s + (cx1 - cx) * h.codeChannels), (y * gw + cx) * h.codeChannels);
      }
    }
  }
  return { data, gh, gw, c: h.codeChannels };
}

export function convDecode(
  decoder: tf.LayersModel,
  h: ConvHyper,
  code: CodeGrid,
  channels: number,
  width: number,
  height: number,
  tile = h.tile,
): FloatImage {
  const f = h.downsampling;
  const out: FloatImage = {
    data: new Float32Array(code.gh * f * code.gw * f * channels),
    width: code.gw * f,
    height: code.gh * f,
    channels,
  };
  const tc = Math.max(1, Math.floor(tile / f));
  const hc = haloCells(decoder, 1);
  for (let cy = 0; cy < code.gh; cy += tc) {
    for (let cx = 0; cx < code.gw; cx += tc) {
      const cy1 = Math.min(code.gh, cy + tc);
      const cx1 = Math.min(code.gw, cx + tc);
      const ey0 = Math.max(0, cy - hc);
      const ex0 = Math.max(0, cx - hc);
      const ey1 = Math.min(code.gh, cy1 + hc);
      const ex1 = Math.min(code.gw, cx1 + hc);
      const pw = ex1 - ex0;
      const ph = ey1 - ey0;
      const part = new Float32Array(pw * ph * code.c);
      for (let y = 0; y < ph; y++) {
        const s = ((ey0 + y) * code.gw + ex0) * code.c;
        part.set(code.data.subarray(s, s + pw * code.c), y * pw * code.c);
      }
      const pixels = predict(decoder, part, [1, ph, pw, code.c]);
      const img: FloatImage = { data: pixels, width: pw * f, height: ph * f, channels };
      paste(out, crop(img, (cx - ex0) * f, (cy - ey0) * f, (cx1 - cx) * f, (cy1 - cy) * f), cx * f, cy * f);
    }
  }
  return crop(out, 0, 0, width, height);
}

export function floatFrom(img: RawImage, channels: 1 | 3): FloatImage {
  return toFloat(img, channels);
}

export function bytesFrom(img: FloatImage): RawImage {
  return toBytes(img);
}
