// A real task that keeps onnxruntime-node busy in its thread (a session of a small synthesis graph):
// it returns after the first of `runs` runs and leaves the others under way, or runs until stopped. Stopping a thread
// from outside while it is inside a run aborts the whole process, so the host must never do that.
// Not in the studio's registry: a test names its file (onnxBusyTask below).
import type * as Ort from 'onnxruntime-node';
import { defineTask } from '../../../src-main/core/workers/task.js';

export interface OnnxBusyInput {
  model: Uint8Array;
  inputName: string;
  shape: number[];
  /** Runs in all, the rest left under way when the task returns; 0: runs (and never returns) until the thread is stopped. */
  runs: number;
}

export default defineTask<OnnxBusyInput, { run: number }, { started: true }>(async (input, io) => {
  // A CommonJS package: its exports arrive as `default` or as named exports, depending on the loader.
  const m = (await import('onnxruntime-node')) as unknown as { default?: typeof Ort };
  const ort = m.default ?? (m as unknown as typeof Ort);
  const session = await ort.InferenceSession.create(input.model, { intraOpNumThreads: 1 });
  const data = new Float32Array(input.shape.reduce((a, b) => a * b, 1)).fill(0.5);
  const first = session.run({ [input.inputName]: new ort.Tensor('float32', data, input.shape) });
  await first;
  io.progress({ run: 1 });
  const more = (async () => {
    for (let i = 2; input.runs === 0 || i <= input.runs; i++) {
      await session.run({ [input.inputName]: new ort.Tensor('float32', data, input.shape) });
      io.progress({ run: i });
    }
  })();
  if (input.runs === 0) await more;
  return { started: true };
});
