// Worker task: one helper replica of a data-parallel rate-distortion training. It builds the
// family's model once, then for every command of the coordinator (parallel/replica-pool.ts) loads
// the shared weights into its variables and computes the gradients of its shard of the batch into
// its slot of shared memory, with the same code the coordinator runs (rd-step.ts). It holds no
// optimizer: the coordinator updates the shared weights, so every replica starts each step from
// the same values.
import * as tf from '@tensorflow/tfjs';
import { abortError, defineTask } from '../../workers/task.js';
import { chooseBackend } from '../backend.js';
import type { ParamStore } from '../models/layers/params.js';
import { familyMeta } from '../models/families.js';
import { learnedImpl } from '../models/registry.js';
import type { LearnedImpl } from '../models/learned.js';
import { rdGradients, type RdStepSpec } from '../rd-step.js';
import type { LearnedHyper } from '../train-rd.js';
import { ring, waitChange } from './doorbell.js';
import { batchView, controlOf, CTL, gradientViews, OP, RESULT, resultView, weightViews, type SharedLayout } from './layout.js';
import { READY } from './thread-team.js';

export interface ReplicaInput {
  hyper: LearnedHyper;
  channels: 1 | 3;
  distortion: 'mse' | 'bce';
  seed: number;
  /** This helper's index (its control block and gradient slot). */
  index: number;
  layout: SharedLayout;
}

/** Copies the shared weights into the variables. */
function loadWeights(params: ParamStore, weights: Float32Array[], copy: boolean): void {
  params.entries.forEach((e, k) => {
    // wasm copies the array into its heap; other backends keep it, and the coordinator rewrites it.
    const w = weights[k]!;
    tf.tidy(() => e.variable.assign(tf.tensor(copy ? w.slice() : w, e.shape, 'float32')));
  });
}

export default defineTask<ReplicaInput, null, { steps: number }>(async (input, io) => {
  const { backend } = await chooseBackend();
  const { hyper, layout } = input;
  const meta = familyMeta(hyper.arch);
  if (!meta?.learned) throw new Error(`${hyper.arch} is not a learned family`);
  const impl: LearnedImpl<LearnedHyper> = learnedImpl(hyper.arch);
  const spec: RdStepSpec<LearnedHyper> = {
    impl,
    hyper,
    channels: input.channels,
    distortion: input.distortion,
    edge: meta.sampleEdge(hyper as never),
  };
  const params = impl.build(hyper, input.channels, input.seed);
  try {
    const vars = params.variables();
    if (vars.length !== layout.sizes.length || vars.some((v, k) => v.size !== layout.sizes[k]))
      throw new Error('replica model does not fit the shared weights');
    const { ctl, base } = controlOf(layout, input.index);
    const weights = weightViews(layout);
    const grads = gradientViews(layout, input.index);
    const batch = batchView(layout);
    const results = resultView(layout, input.index);
    const copy = backend !== 'wasm';
    const check = () => {
      if (io.signal.aborted) throw abortError();
    };
    // No command comes before the ready acknowledgement, so this is the field's initial value.
    let seen = Atomics.load(ctl, base + CTL.cmd);
    ring(ctl, base + CTL.ack, READY);
    let steps = 0;
    for (;;) {
      seen = await waitChange(ctl, base + CTL.cmd, seen, check);
      const op = Atomics.load(ctl, base + CTL.op);
      if (op === OP.stop) return { steps };
      loadWeights(params, weights, copy);
      if (op === OP.step) {
        const first = Atomics.load(ctl, base + CTL.first);
        const count = Atomics.load(ctl, base + CTL.count);
        const s = layout.sampleSize;
        const r = rdGradients(
          spec,
          params,
          vars,
          { data: batch.subarray(first * s, (first + count) * s), first, count },
          { level: Atomics.load(ctl, base + CTL.level), noiseSeed: Atomics.load(ctl, base + CTL.seed) },
          grads,
        );
        results[RESULT.loss] = r.loss;
        results[RESULT.bpp] = r.bpp;
        results[RESULT.mse] = r.mse;
        steps++;
      } else if (op === OP.inspect) {
        vars.forEach((v, k) => grads[k]!.set(v.dataSync() as Float32Array));
        results[RESULT.numTensors] = tf.memory().numTensors;
      } else {
        throw new Error(`unknown replica command ${op}`);
      }
      ring(ctl, base + CTL.ack, seen);
    }
  } finally {
    params.dispose();
  }
});
