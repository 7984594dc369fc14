// Tensor bookkeeping of the learned families: a training step, compress/decompress and a model
// folder's load/dispose leave tf.memory().numTensors where they found it (only the model's own
// variables live between calls).
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { loadLearnedDir, saveLearnedDir } from '../../../../src-main/core/engine/learned-io.js';
import { toBytes } from '../../../../src-main/core/imaging/pixels.js';
import { trainRateDistortion } from '../../../../src-main/core/engine/train-rd.js';
import { collectingIO } from '../../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../../helpers/tmp-home.js';
import { CASES, builtRuntime, implOf, rdOptions, testImage, tinyCard } from '../learned/learned-fixtures.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(async () => {
  await chooseBackend();
  tmp = makeTmpDir('ls-learned-mem-');
});
afterAll(() => tmp.cleanup());

describe('no tensor leaks', () => {
  it.each(CASES)(
    '$name: trainRateDistortion holds only the model variables between steps and frees everything with the params',
    async (c) => {
      // A first run creates whatever tfjs keeps for good (kernels, cached scalars).
      const warm = await trainRateDistortion(rdOptions(c, { steps: 1, stepsPerEpoch: 1 }), collectingIO());
      warm.params.dispose();

      const before = tf.memory().numTensors;
      const atBatch: number[] = [];
      const atEpoch: number[] = [];
      const r = await trainRateDistortion(rdOptions(c, { steps: 4, stepsPerEpoch: 2 }), collectingIO(), {
        onBatch: () => atBatch.push(tf.memory().numTensors),
        onEpoch: () => void atEpoch.push(tf.memory().numTensors),
      });
      const vars = r.params.entries.length;
      expect(r.steps).toBe(4);
      expect(atBatch).toEqual([1, 2, 3, 4].map(() => before + vars));
      expect(atEpoch).toEqual([before + vars, before + vars]);
      expect(tf.memory().numTensors).toBe(before + vars);
      r.params.dispose();
      expect(tf.memory().numTensors).toBe(before);

      // And a second full run ends where it started.
      const again = await trainRateDistortion(rdOptions(c, { steps: 2 }), collectingIO());
      again.params.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it.each(CASES)('$name: build + buildTables, then compress/decompress repeatedly, leave only the variables', async (c) => {
    const img = await testImage(c);
    const start = tf.memory().numTensors;
    const rt = builtRuntime(c, 2, [0.5, 4, 30]);
    expect(tf.memory().numTensors).toBe(start + rt.params.entries.length);
    const impl = implOf(c);
    const before = tf.memory().numTensors;
    for (const q of [1, 37, 100, 100]) {
      const streams = await impl.compress(rt, img, q);
      const back = await impl.decompress(rt, streams, img.width, img.height, q);
      expect([back.width, back.height]).toEqual([img.width, img.height]);
      impl.buildTables(rt.params, rt.hyper);
      expect(tf.memory().numTensors).toBe(before);
    }
    rt.params.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each(CASES)('$name: loadLearnedDir holds exactly the model variables and dispose frees them', async (c) => {
    const rt = builtRuntime(c, 3, [0.5, 4, 30]);
    const dir = path.join(tmp.dir, `m-${c.name}`);
    await saveLearnedDir(dir, rt.params, rt.tables, tinyCard(c, `m-${c.name}`));
    const vars = rt.params.entries.length;
    rt.params.dispose();
    const img = toBytes(await testImage(c));
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const loaded = await loadLearnedDir(dir, tinyCard(c, `m-${c.name}`));
      expect(tf.memory().numTensors).toBe(before + vars);
      const back = await loaded.codec.decompress(await loaded.codec.compress(img, 80), img.width, img.height, 80);
      expect([back.width, back.height, back.channels]).toEqual([img.width, img.height, c.channels]);
      expect(tf.memory().numTensors).toBe(before + vars);
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
