// The seam between the learned families' coding and whatever runs their two transforms: the
// family (and the tiling around it, engine/tiling/) hands one NHWC tile at a time to a runner
// and gets its result back. The default runs tfjs in this thread; a pool of worker threads
// (engine/tiling/tile-pool.ts) or another runtime can stand in without the family knowing.
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';
import { takeData } from './take-data.js';
import { analysis, DEFAULT_STAGES, synthesis } from './transforms.js';

/** One NHWC image (batch 1), row-major HWC floats. */
export interface TensorTile {
  data: Float32Array;
  h: number;
  w: number;
  c: number;
}

export interface TransformRunner {
  /** padded pixels (h, w multiples of the downsampling) -> y before the gain */
  analysis(tile: TensorTile): Promise<TensorTile>;
  /** y after the inverse gain -> pixels, unclamped */
  synthesis(tile: TensorTile): Promise<TensorTile>;
  dispose(): void;
}

function run(tile: TensorTile, f: (x: tf.Tensor4D) => tf.Tensor4D): TensorTile {
  const out = tf.tidy(() => f(tf.tensor4d(tile.data, [1, tile.h, tile.w, tile.c])));
  const [, h, w, c] = out.shape;
  return { data: takeData(out), h, w, c };
}

/** tfjs in this thread on the model's own variables (which stay the caller's: dispose frees nothing). */
export function tfjsRunner(params: ParamStore, stages = DEFAULT_STAGES): TransformRunner {
  return {
    analysis: async (tile) => run(tile, (x) => analysis(params, x, stages)),
    synthesis: async (tile) => run(tile, (y) => synthesis(params, y, stages)),
    dispose: () => undefined,
  };
}

/**
 * How far one runner's tile is from another's: the largest |got - want| and the range of `want`
 * (the onnx runner is held to worst <= 1e-4 of the range, in its tests and benchmark).
 */
export function tileDifference(got: TensorTile, want: TensorTile): { worst: number; range: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    lo = Math.min(lo, want.data[i]!);
    hi = Math.max(hi, want.data[i]!);
    worst = Math.max(worst, Math.abs(got.data[i]! - want.data[i]!));
  }
  return { worst, range: hi - lo };
}
