// Shared pieces of the tiling tests: a real photo several tiles wide at small tile sizes, the
// whole-image computations tiling must reproduce, and the seam measure.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { paddedTensor } from '../../../../src-main/core/engine/models/layers/image-io.js';
import type { ParamStore } from '../../../../src-main/core/engine/models/layers/params.js';
import { analysis, synthesis } from '../../../../src-main/core/engine/models/layers/transforms.js';
import type { TensorTile } from '../../../../src-main/core/engine/models/layers/transform-runner.js';
import type { FloatImage } from '../../../../src-main/core/imaging/pixels.js';
import { crop } from '../../../../src-main/core/engine/float-image.js';
import type { Span } from '../../../../src-main/core/engine/tiling/geometry.js';
import { readImage, type RawImage } from '../../../../src-main/core/imaging/index.js';
import { FIXTURES } from '../../../helpers/engine-fixtures.js';

/** Four 180x90 landscapes side by side in a 2x2 mosaic, cut to 357x171 (no side a multiple of 16). */
export async function mosaic(): Promise<RawImage> {
  const names = ['beach0.jpg', 'canyon0.jpg', 'forest0.jpg', 'mountain0.jpg'];
  const parts = await Promise.all(names.map((n) => readImage(path.join(FIXTURES, 'landscapes-small', n), { channels: 3 })));
  const width = 357;
  const height = 171;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = parts[(y >= 90 ? 2 : 0) + (x >= 180 ? 1 : 0)]!;
      const s = ((y % 90) * p.width + (x % 180)) * 3;
      data.set(p.data.subarray(s, s + 3), (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}

/** Today's whole-image analysis: one tfjs call on the reflect-padded image. */
export function wholeAnalysis(params: ParamStore, img: FloatImage, multiple: number, stages: number): TensorTile {
  return tf.tidy(() => {
    const y = analysis(params, paddedTensor(img, multiple).x, stages);
    return { data: y.dataSync() as Float32Array, h: y.shape[1], w: y.shape[2], c: y.shape[3] };
  });
}

/** Today's whole-image synthesis: one tfjs call, clamped to [0, 1], cropped to width x height. */
export function wholeSynthesis(
  params: ParamStore,
  y: TensorTile,
  width: number,
  height: number,
  stages: number,
  channels: number,
): FloatImage {
  const data = tf.tidy(() => synthesis(params, tf.tensor4d(y.data, [1, y.h, y.w, y.c]), stages).dataSync() as Float32Array);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! < 0 ? 0 : data[i]! > 1 ? 1 : data[i]!;
  const down = 2 ** stages;
  return crop({ data, width: y.w * down, height: y.h * down, channels }, 0, 0, width, height);
}

/** Pixel positions of the inner core borders along one axis of a synthesis (from the tiling's own spans). */
export function borders(spans: Span[], down: number): number[] {
  return spans.slice(1).map((s) => s.core0 * down);
}

/**
 * Largest |a - b| over the pixels within `band` of a tile border (xs: border columns, ys: border
 * rows) and over every other pixel.
 */
export function seamDiffs(a: FloatImage, b: FloatImage, xs: number[], ys: number[], band = 2): { border: number; inside: number } {
  const near = (v: number, at: number[]) => at.some((p) => v >= p - band && v < p + band);
  let border = 0;
  let inside = 0;
  const c = a.channels;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      let d = 0;
      for (let k = 0; k < c; k++) {
        const i = (y * a.width + x) * c + k;
        d = Math.max(d, Math.abs(a.data[i]! - b.data[i]!));
      }
      if (near(x, xs) || near(y, ys)) border = Math.max(border, d);
      else inside = Math.max(inside, d);
    }
  }
  return { border, inside };
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
