// The shared memory of a data-parallel training run: the weights (written by the coordinator's
// optimizer, read by every replica before a step), the step's batch, one gradient slot per helper
// replica, and a small control block per helper (command doorbell, acknowledgement, the step's
// draw). Only these buffers cross threads; a step posts no messages.
import { DOORBELL } from './thread-team.js';

/** Int32 fields of a helper's control block (the doorbell's first, thread-team.ts). */
export const CTL = {
  ...DOORBELL,
  level: 3,
  first: 4,
  count: 5,
  seed: 6,
} as const;
const CTL_STRIDE = 8;

/** Float64 fields of a helper's result block. */
export const RESULT = { loss: 0, bpp: 1, mse: 2, numTensors: 3 } as const;
const RESULT_STRIDE = 4;

export const OP = {
  /** Load the shared weights, compute the gradients of samples [first, first + count). */
  step: 1,
  /** Load the shared weights, copy the variables into the gradient slot (inspection, tests). */
  inspect: 2,
  stop: 3,
} as const;

export interface SharedLayout {
  /** Elements of each parameter, in manifest order. */
  sizes: number[];
  helpers: number;
  /** Floats per training sample. */
  sampleSize: number;
  batchSize: number;
  weights: SharedArrayBuffer;
  batch: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  control: SharedArrayBuffer;
  results: SharedArrayBuffer;
}

export function totalOf(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a + b, 0);
}

export function createLayout(sizes: number[], helpers: number, batchSize: number, sampleSize: number): SharedLayout {
  const total = totalOf(sizes);
  return {
    sizes,
    helpers,
    sampleSize,
    batchSize,
    weights: new SharedArrayBuffer(total * 4),
    batch: new SharedArrayBuffer(batchSize * sampleSize * 4),
    grads: new SharedArrayBuffer(helpers * total * 4),
    control: new SharedArrayBuffer(helpers * CTL_STRIDE * 4),
    results: new SharedArrayBuffer(helpers * RESULT_STRIDE * 8),
  };
}

/** One Float32Array view per parameter, starting `offset` floats into the buffer. */
function parameterViews(buffer: SharedArrayBuffer, sizes: readonly number[], offset: number): Float32Array[] {
  let at = offset;
  return sizes.map((n) => {
    const v = new Float32Array(buffer, at * 4, n);
    at += n;
    return v;
  });
}

export function weightViews(l: SharedLayout): Float32Array[] {
  return parameterViews(l.weights, l.sizes, 0);
}

export function gradientViews(l: SharedLayout, helper: number): Float32Array[] {
  return parameterViews(l.grads, l.sizes, helper * totalOf(l.sizes));
}

export function batchView(l: SharedLayout): Float32Array {
  return new Float32Array(l.batch);
}

/** The whole control array and the index of a helper's block in it (Atomics need the Int32Array). */
export function controlOf(l: SharedLayout, helper: number): { ctl: Int32Array; base: number } {
  return { ctl: new Int32Array(l.control), base: helper * CTL_STRIDE };
}

export function resultView(l: SharedLayout, helper: number): Float64Array {
  return new Float64Array(l.results, helper * RESULT_STRIDE * 8, RESULT_STRIDE);
}
