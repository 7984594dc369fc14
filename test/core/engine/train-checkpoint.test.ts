// Training checkpoints: a run continued from the checkpoint of its epoch k (through the file
// format and back) ends exactly where the uninterrupted run with the same seed ends: the same
// epoch losses, the same weights. That is what makes a resumed training job the model it would
// have been.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint, type TrainCheckpoint } from '../../../src-main/core/engine/train-checkpoint.js';
import { trainAutoencoder, type TrainedModel, type TrainProgress } from '../../../src-main/core/engine/train.js';
import { collectingIO, denseDigitOptions } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => {
  tmp = makeTmpDir('ls-ckpt-');
});
afterAll(() => tmp.cleanup());

const epochsOf = (events: TrainProgress[]) => events.flatMap((e) => (e.kind === 'epoch' ? [e] : []));
const weightsOf = (m: TrainedModel) => [...m.encoder.getWeights(), ...m.decoder.getWeights()].map((w) => Array.from(w.dataSync()));
const free = (m: TrainedModel) => tf.dispose([m.encoder, m.decoder] as unknown as tf.Tensor[]);

describe('training checkpoints', () => {
  it('a run continued from epoch 2 of 4 ends with the same history and weights as the uninterrupted run', async () => {
    const opts = denseDigitOptions({ epochs: 4, batchSize: 16, patience: 3 });
    const saved: TrainCheckpoint[] = [];
    const whole = collectingIO<TrainProgress>();
    const full = await trainAutoencoder(opts, whole, { modelId: 'm-1', checkpoint: async (c) => void saved.push(c) });
    expect(saved.map((c) => c.history.length)).toEqual([1, 2, 3, 4]);

    // Through the file format: what a crashed worker leaves is what the next one reads.
    const file = path.join(tmp.dir, 'job', 'checkpoint.bin');
    await writeCheckpoint(file, saved[1]!);
    const from = await readCheckpoint(file, 'm-1');
    expect(from).toBeDefined();
    expect(await readCheckpoint(file, 'another-model')).toBeUndefined();
    expect(await readCheckpoint(path.join(tmp.dir, 'none.bin'), 'm-1')).toBeUndefined();

    const rest = collectingIO<TrainProgress>();
    const resumed = await trainAutoencoder(opts, rest, { modelId: 'm-1', from: from! });
    // It did not start over: its epochs are 3 and 4, and the card has all four.
    expect(epochsOf(rest.events).map((e) => e.epoch)).toEqual([3, 4]);
    expect(rest.events.some((e) => e.kind === 'batch' && e.epoch <= 2)).toBe(false);
    expect(resumed.card.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(resumed.card.history.map((h) => h.loss)).toEqual(full.card.history.map((h) => h.loss));
    expect(resumed.card.history.map((h) => h.valLoss)).toEqual(full.card.history.map((h) => h.valLoss));
    expect(weightsOf(resumed)).toEqual(weightsOf(full));
    expect(resumed.card.training.epochs).toBe(4);
    free(full);
    free(resumed);
  });

  it('a checkpoint taken at an early stop ends the continued run at once', async () => {
    const opts = denseDigitOptions({ epochs: 40, patience: 1, learningRate: 0.5 });
    let last: TrainCheckpoint | undefined;
    const first = await trainAutoencoder(opts, collectingIO<TrainProgress>(), { checkpoint: async (c) => void (last = c) });
    expect(first.card.training.stoppedEarly).toBe(true);
    expect(last?.stoppedEarly).toBe(true);
    const io = collectingIO<TrainProgress>();
    const again = await trainAutoencoder(opts, io, { from: last! });
    expect(io.events.filter((e) => e.kind === 'batch')).toEqual([]);
    expect(again.card.history).toEqual(first.card.history);
    expect(again.card.training.stoppedEarly).toBe(true);
    free(first);
    free(again);
  });

  it('refuses a checkpoint that does not fit the model', async () => {
    let one: TrainCheckpoint | undefined;
    const m = await trainAutoencoder(denseDigitOptions({ epochs: 1 }), collectingIO<TrainProgress>(), {
      checkpoint: async (c) => void (one = c),
    });
    free(m);
    const other = denseDigitOptions({
      epochs: 2,
      hyper: { arch: 'dense', tile: 20, encoderLayers: [64], decoderLayers: [64], codeSize: 8, activation: 'relu' },
    });
    await expect(trainAutoencoder(other, collectingIO<TrainProgress>(), { from: one! })).rejects.toThrow('do not fit');
  });
});
