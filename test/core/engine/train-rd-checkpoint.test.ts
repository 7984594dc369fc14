// Rate-distortion training checkpoints: a run interrupted after its first epoch and resumed from the
// checkpoint it wrote (through the file format) ends bit for bit where the uninterrupted run with
// the same seed ends: weights, optimizer moments, epoch history. Interruption by a failing
// checkpoint hook and by cancellation (the AbortSignal behind io.checkpoint) both.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { readRdCheckpoint, writeRdCheckpoint } from '../../../src-main/core/engine/train-rd-checkpoint.js';
import { trainRateDistortion, type RdState, type RdTrained } from '../../../src-main/core/engine/train-rd.js';
import { collectingIO } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { CASES, firstDifference, rdOptions } from './learned/learned-fixtures.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(async () => {
  await chooseBackend();
  tmp = makeTmpDir('ls-learned-ckpt-');
});
afterAll(() => tmp.cleanup());

const opts = (c: (typeof CASES)[number]) => rdOptions(c, { steps: 6, stepsPerEpoch: 2, warmupSteps: 3, dropAt: 0.6, seed: 23 });

/** Index of the first parameter array that differs between two weight lists (bitwise), or -1. */
function firstDifferentArray(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) return 0;
  return a.findIndex((x, i) => firstDifference(x, b[i]!) !== -1);
}

function expectSameRun(c: (typeof CASES)[number], full: RdTrained, fullLast: RdState, resumed: RdTrained, resumedLast: RdState): void {
  const names = full.params.entries.map((e) => e.name);
  const w = firstDifferentArray(full.params.toArrays(), resumed.params.toArrays());
  expect(w === -1 ? null : names[w], `${c.name}: first parameter that differs`).toBeNull();
  expect(resumed.steps).toBe(6);
  expect(resumedLast.adam.steps).toBe(fullLast.adam.steps);
  expect(firstDifferentArray(resumedLast.adam.m, fullLast.adam.m), 'Adam first moments').toBe(-1);
  expect(firstDifferentArray(resumedLast.adam.v, fullLast.adam.v), 'Adam second moments').toBe(-1);
  expect(resumedLast.rand).toBe(fullLast.rand);
  const strip = (h: RdTrained['history']) =>
    h.map((e) => ({ epoch: e.epoch, step: e.step, loss: e.loss, bpp: e.bpp, psnr: e.psnr, val: e.val, lr: e.learningRate }));
  expect(strip(resumed.history)).toEqual(strip(full.history));
  // The coding tables come from the same density.
  expect(JSON.stringify(resumed.tables.groups.map((g) => g.map((t) => [t.offset, Array.from(t.cdf)])))).toBe(
    JSON.stringify(full.tables.groups.map((g) => g.map((t) => [t.offset, Array.from(t.cdf)]))),
  );
}

describe('rate-distortion checkpoints', () => {
  it.each(CASES)('$name: 6 steps, 2 per epoch, interrupted after epoch 1 and resumed from the file = the uninterrupted run', async (c) => {
    const states: RdState[] = [];
    const full = await trainRateDistortion(opts(c), collectingIO(), { checkpoint: async (s) => void states.push(s) });
    expect(states.map((s) => [s.step, s.history.length])).toEqual([
      [2, 1],
      [4, 2],
      [6, 3],
    ]);

    const file = path.join(tmp.dir, c.name, 'checkpoint.bin');
    const before = tf.memory().numTensors;
    await expect(
      trainRateDistortion(opts(c), collectingIO(), {
        checkpoint: async (s) => {
          await writeRdCheckpoint(file, `m-${c.name}`, s);
          throw new Error('worker killed after epoch 1');
        },
      }),
    ).rejects.toThrow('worker killed after epoch 1');
    // The failed run freed its model.
    expect(tf.memory().numTensors).toBe(before);

    expect(await readRdCheckpoint(file, 'another-model')).toBeUndefined();
    const from = await readRdCheckpoint(file, `m-${c.name}`);
    expect(from).toBeDefined();
    expect([from!.step, from!.history.length, from!.adam.steps]).toEqual([2, 1, 2]);
    // The file holds exactly what the uninterrupted run had after epoch 1.
    expect(firstDifferentArray(from!.weights, states[0]!.weights)).toBe(-1);
    expect(firstDifferentArray(from!.adam.v, states[0]!.adam.v)).toBe(-1);

    const resumedStates: RdState[] = [];
    const resumed = await trainRateDistortion(opts(c), collectingIO(), {
      from: from!,
      checkpoint: async (s) => void resumedStates.push(s),
    });
    expect(resumedStates.map((s) => s.step)).toEqual([4, 6]);
    expectSameRun(c, full, states.at(-1)!, resumed, resumedStates.at(-1)!);
    full.params.dispose();
    resumed.params.dispose();
  });

  it('factorized: cancelled (AbortSignal) after epoch 1, resumed from its last checkpoint = the uninterrupted run', async () => {
    const c = CASES[0]!;
    const states: RdState[] = [];
    const full = await trainRateDistortion(opts(c), collectingIO(), { checkpoint: async (s) => void states.push(s) });
    let saved: RdState | undefined;
    let batchesAfterCancel = 0;
    const io = collectingIO();
    await expect(
      trainRateDistortion(opts(c), io, {
        checkpoint: async (s) => void (saved = s),
        onBatch: () => {
          if (io.controller.signal.aborted) batchesAfterCancel++;
        },
        onEpoch: () => io.controller.abort(),
      }),
    ).rejects.toThrow(expect.objectContaining({ name: 'AbortError' }));
    expect(batchesAfterCancel).toBe(0);
    expect(saved!.step).toBe(2);
    const file = path.join(tmp.dir, 'cancelled', 'checkpoint.bin');
    await writeRdCheckpoint(file, 'm-c', saved!);
    const resumedStates: RdState[] = [];
    const resumed = await trainRateDistortion(opts(c), collectingIO(), {
      from: (await readRdCheckpoint(file, 'm-c'))!,
      checkpoint: async (s) => void resumedStates.push(s),
    });
    expectSameRun(c, full, states.at(-1)!, resumed, resumedStates.at(-1)!);
    full.params.dispose();
    resumed.params.dispose();
  });

  // Under a fake clock (every performance.now() call advances 1 s) so the check is exact: a resumed
  // run's elapsedSeconds continues from the checkpoint's and grows no faster than the clock.
  it('factorized: a resumed run continues elapsedSeconds from the checkpoint and adds only the time it ran', async () => {
    const c = CASES[0]!;
    let saved: RdState | undefined;
    await expect(
      trainRateDistortion(opts(c), collectingIO(), {
        checkpoint: async (s) => {
          saved = s;
          throw new Error('stop');
        },
      }),
    ).rejects.toThrow('stop');
    const e0 = saved!.history.at(-1)!.elapsedSeconds;
    let t = 1e6;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (t += 1000));
    let resumed: RdTrained;
    let wall: number;
    try {
      const t0 = performance.now();
      resumed = await trainRateDistortion(opts(c), collectingIO(), { from: saved! });
      wall = (performance.now() - t0) / 1000;
    } finally {
      clock.mockRestore();
    }
    const elapsed = resumed.history.map((e) => e.elapsedSeconds);
    resumed.params.dispose();
    expect(elapsed).toHaveLength(3);
    expect(elapsed[0]).toBe(e0);
    // Each resumed epoch adds at least its own seconds, and all of them together at most the wall time of the resumed call.
    expect(elapsed[1]! - elapsed[0]!).toBeGreaterThanOrEqual(resumed.history[1]!.seconds);
    expect(elapsed[2]! - e0, `elapsedSeconds ${elapsed.join(', ')}; the resumed call took ${wall} s`).toBeLessThanOrEqual(wall);
  });
});
