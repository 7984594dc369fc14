// The shared memory between the tile pool (tile-pool.ts) and one of its worker threads
// (tile-task.ts): a control block (doorbell, acknowledgement, the tile's shape) and one input and
// one output buffer sized for the largest tile. A tile crosses threads as two copies, no message.
import { DOORBELL } from '../parallel/thread-team.js';
import { analysisHalo, synthesisHalo, type Tiling } from './geometry.js';

/** Int32 fields of the control block (the doorbell's first, parallel/thread-team.ts). */
export const CTL = {
  ...DOORBELL,
  h: 3,
  w: 4,
  c: 5,
  outH: 6,
  outW: 7,
  outC: 8,
  /** tf.memory().numTensors after an inspect command. */
  numTensors: 9,
} as const;
const CTL_FIELDS = 10;

export const OP = { analysis: 1, synthesis: 2, inspect: 3, stop: 4 } as const;

export interface TileSlot {
  control: SharedArrayBuffer;
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

export function createSlot(inputFloats: number, outputFloats: number): TileSlot {
  return {
    control: new SharedArrayBuffer(CTL_FIELDS * 4),
    input: new SharedArrayBuffer(inputFloats * 4),
    output: new SharedArrayBuffer(outputFloats * 4),
  };
}

/**
 * Floats of the largest analysis or synthesis tile, in and out, that the tiling makes for a model
 * of `channels` image channels and `m` latent channels (geometry.ts maxTileEdge).
 */
export function slotFloats(tiling: Tiling, stages: number, channels: number, m: number): { input: number; output: number } {
  const down = 2 ** stages;
  const a = tiling.core + 2 * (tiling.analysisHalo ?? analysisHalo(stages)) * down;
  const s = Math.floor(tiling.core / down) + 2 * (tiling.synthesisHalo ?? synthesisHalo(stages));
  return {
    input: Math.max(a * a * channels, s * s * m),
    output: Math.max((a / down) ** 2 * m, (s * down) ** 2 * channels),
  };
}
