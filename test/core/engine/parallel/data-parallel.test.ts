// Data-parallel rate-distortion training (engine/parallel/): on tiny models of every learned
// family, 2 replicas (this thread + one worker thread) follow the loss curve of 1 replica within
// float tolerance for 20 steps, the helper's weights equal the coordinator's after every step,
// no tensors leak on either side, an interrupted and resumed 2-replica run (with a pause in it)
// ends bit for bit where the uninterrupted one ends, and a cancel stops the run and its workers.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import type { ParamStore } from '../../../../src-main/core/engine/models/layers/params.js';
import type { ReplicaView } from '../../../../src-main/core/engine/parallel/replica-pool.js';
import { trainRateDistortion, type RdState } from '../../../../src-main/core/engine/train-rd.js';
import { collectingIO } from '../../../helpers/engine-fixtures.js';
import { CASES, firstDifference, rdOptions } from '../learned/learned-fixtures.js';

beforeAll(async () => {
  await chooseBackend();
});

type Case = (typeof CASES)[number];

/** 3 samples per batch: 2 replicas get uneven shards (2 + 1), which checks the size weighting. */
const opts = (c: Case, workers: number, over: Parameters<typeof rdOptions>[1] = {}) =>
  rdOptions(c, { steps: 20, stepsPerEpoch: 10, batchSize: 3, warmupSteps: 3, seed: 29, workers, ...over });

function firstDifferentArray(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) return 0;
  return a.findIndex((x, i) => firstDifference(x, b[i]!) !== -1);
}

function relL2(a: Float32Array[], b: Float32Array[]): number {
  let d = 0;
  let n = 0;
  a.forEach((w, k) => w.forEach((x, i) => ((d += (x - b[k]![i]!) ** 2), (n += x * x))));
  return Math.sqrt(d / n);
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

describe('data-parallel training', () => {
  it.each(CASES)('$name: 2 replicas = 1 replica over 20 steps, and the replicas hold the same weights after every step', async (c) => {
    const one: number[] = [];
    const single = await trainRateDistortion(opts(c, 1), collectingIO(), { onBatch: (p) => void one.push(p.loss) });

    const two: number[] = [];
    const replicaDiffs: number[] = [];
    let params: ParamStore | undefined;
    let helpers = 0;
    const parallel = await trainRateDistortion(opts(c, 2), collectingIO(), {
      onStart: (p) => void (params = p),
      onBatch: (p) => void two.push(p.loss),
      onStep: async (_step, replicas) => {
        helpers = replicas.helpers;
        const [helper] = await replicas.inspect();
        replicaDiffs.push(firstDifferentArray(helper!.weights, params!.toArrays()));
      },
    });
    expect(helpers).toBe(1);
    // Bit for bit: every replica starts each step from the coordinator's weights.
    expect(replicaDiffs).toEqual(Array.from({ length: 20 }, () => -1));
    expect(two).toHaveLength(20);
    // Measured: at most ~3e-5 relative over the 20 steps.
    const worst = Math.max(...one.map((l, i) => relDiff(l, two[i]!)));
    expect(worst, `loss curves: ${one.map((l, i) => `${l}/${two[i]}`).join(', ')}`).toBeLessThan(1e-3);
    const a = single.params.toArrays();
    const b = parallel.params.toArrays();
    // Same weights, same noise: the first step differs only by float32 summation order (measured ~1e-6).
    expect(relDiff(one[0]!, two[0]!)).toBeLessThan(1e-4);
    // Adam moves weights whose gradients are ~0 by about lr per step whatever their sign, so single
    // weights may part by a few lr over 20 steps (GDN gammas do); the weights as a whole stay together
    // (measured ~1e-3 relative L2).
    expect(relL2(a, b)).toBeLessThan(1e-2);
    expect(relDiff(single.history.at(-1)!.val.at(-1)!.psnr, parallel.history.at(-1)!.val.at(-1)!.psnr)).toBeLessThan(1e-3);
    single.params.dispose();
    parallel.params.dispose();
  });

  it('hyperprior: 2 replicas hold only their variables between steps, on both threads', async () => {
    const c = CASES.find((k) => k.name === 'hyperprior')!;
    const warm = await trainRateDistortion(opts(c, 2, { steps: 1, stepsPerEpoch: 1 }), collectingIO());
    warm.params.dispose();
    const before = tf.memory().numTensors;
    const here: number[] = [];
    const there: number[] = [];
    const r = await trainRateDistortion(opts(c, 2, { steps: 6, stepsPerEpoch: 3 }), collectingIO(), {
      onStep: async (_s, replicas) => {
        here.push(tf.memory().numTensors);
        there.push((await replicas.inspect())[0]!.numTensors);
      },
    });
    const vars = r.params.entries.length;
    expect(here).toEqual(Array.from({ length: 6 }, () => before + vars));
    // The helper's count is the same after every step (its model's variables and what tfjs keeps).
    expect(new Set(there).size).toBe(1);
    expect(there[0]).toBeGreaterThanOrEqual(vars);
    r.params.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('factorized: a 2-replica run interrupted after epoch 1 (with a pause) and resumed = the uninterrupted 2-replica run, bit for bit', async () => {
    const c = CASES[0]!;
    const o = opts(c, 2, { steps: 6, stepsPerEpoch: 2 });
    const states: RdState[] = [];
    const full = await trainRateDistortion(o, collectingIO(), { checkpoint: async (s) => void states.push(s) });

    // A pause longer than the replicas' wait timeouts, at the start of step 2.
    const io = collectingIO();
    let checkpoints = 0;
    const pausing = {
      ...io,
      async checkpoint() {
        if (++checkpoints === 2) await new Promise((r) => setTimeout(r, 700));
        await io.checkpoint();
      },
    };
    let saved: RdState | undefined;
    await expect(
      trainRateDistortion(o, pausing, {
        checkpoint: async (s) => {
          saved = s;
          throw new Error('stop after epoch 1');
        },
      }),
    ).rejects.toThrow('stop after epoch 1');
    const resumed = await trainRateDistortion(o, collectingIO(), { from: saved! });
    expect(firstDifferentArray(resumed.params.toArrays(), full.params.toArrays())).toBe(-1);
    expect(resumed.history.map((e) => e.loss)).toEqual(full.history.map((e) => e.loss));
    full.params.dispose();
    resumed.params.dispose();
  });

  it('factorized: cancel (the AbortSignal behind io.checkpoint) stops a 2-replica run and its workers exit', async () => {
    const c = CASES[0]!;
    const io = collectingIO();
    let view: ReplicaView | undefined;
    let stepsAfterCancel = 0;
    const before = tf.memory().numTensors;
    await expect(
      trainRateDistortion(opts(c, 2, { steps: 50 }), io, {
        onBatch: () => {
          if (io.controller.signal.aborted) stepsAfterCancel++;
        },
        onStep: (step, replicas) => {
          view = replicas;
          if (step === 3) io.controller.abort();
        },
      }),
    ).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(stepsAfterCancel).toBe(0);
    expect(view!.helpers).toBe(1);
    const exited = await Promise.race([view!.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    expect(exited, 'helper threads exited').toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
