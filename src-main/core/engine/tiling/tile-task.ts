// Worker task: one replica of a learned model's analysis and synthesis for the tile pool
// (tile-pool.ts). It builds the transforms once from the weights it is given, then runs each tile
// the pool rings for, from its input buffer into its output buffer, with the same in-thread tfjs
// runner a single thread uses: the pool's result is the serial result, tile for tile.
import * as tf from '@tensorflow/tfjs';
import { abortError, defineTask } from '../../workers/task.js';
import { chooseBackend } from '../backend.js';
import { ring, waitChange } from '../parallel/doorbell.js';
import { ParamStore } from '../models/layers/params.js';
import { tfjsRunner, type TensorTile } from '../models/layers/transform-runner.js';
import { READY } from '../parallel/thread-team.js';
import { CTL, OP, type TileSlot } from './tile-slot.js';

export interface NamedWeights {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface TileTaskInput {
  stages: number;
  /** The analysis and synthesis parameters, by the names transforms.ts reads. */
  weights: NamedWeights[];
  slot: TileSlot;
}

export default defineTask<TileTaskInput, null, { tiles: number }>(async (input, io) => {
  await chooseBackend();
  const params = new ParamStore();
  try {
    for (const w of input.weights) params.add(w.name, 'transforms', tf.tensor(w.data, w.shape, 'float32'));
    const runner = tfjsRunner(params, input.stages);
    const ctl = new Int32Array(input.slot.control);
    const inBuf = new Float32Array(input.slot.input);
    const outBuf = new Float32Array(input.slot.output);
    const check = () => {
      if (io.signal.aborted) throw abortError();
    };
    // No command comes before the ready acknowledgement, so this is the field's initial value.
    let seen = Atomics.load(ctl, CTL.cmd);
    ring(ctl, CTL.ack, READY);
    let tiles = 0;
    for (;;) {
      seen = await waitChange(ctl, CTL.cmd, seen, check);
      const op = Atomics.load(ctl, CTL.op);
      if (op === OP.stop) return { tiles };
      if (op === OP.inspect) {
        Atomics.store(ctl, CTL.numTensors, tf.memory().numTensors);
      } else if (op === OP.analysis || op === OP.synthesis) {
        const h = Atomics.load(ctl, CTL.h);
        const w = Atomics.load(ctl, CTL.w);
        const c = Atomics.load(ctl, CTL.c);
        const tile: TensorTile = { data: inBuf.subarray(0, h * w * c), h, w, c };
        const out = op === OP.analysis ? await runner.analysis(tile) : await runner.synthesis(tile);
        if (out.data.length > outBuf.length) throw new Error(`a ${out.h}x${out.w}x${out.c} tile does not fit the pool's output buffer`);
        outBuf.set(out.data);
        Atomics.store(ctl, CTL.outH, out.h);
        Atomics.store(ctl, CTL.outW, out.w);
        Atomics.store(ctl, CTL.outC, out.c);
        tiles++;
      } else {
        throw new Error(`unknown tile command ${op}`);
      }
      ring(ctl, CTL.ack, seen);
    }
  } finally {
    params.dispose();
  }
});
