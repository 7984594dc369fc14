// Real training on tiny real image sets (digits, landscape crops) on the wasm backend.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { trainAutoencoder, type TrainProgress } from '../../../src-main/core/engine/train.js';
import { collectingIO, convPhotoOptions, denseDigitOptions } from '../../helpers/engine-fixtures.js';

type EpochEvent = Extract<TrainProgress, { kind: 'epoch' }>;
const epochsOf = (events: TrainProgress[]) => events.filter((e): e is EpochEvent => e.kind === 'epoch');

beforeAll(async () => {
  process.env.LATENT_STUDIO_BACKEND = 'wasm';
  await chooseBackend();
});

describe('training', () => {
  it('a dense model on digits brings validation loss under the measured threshold, without leaking tensors', async () => {
    const counts: number[] = [];
    const io = collectingIO<TrainProgress>((p) => {
      if (p.kind === 'epoch') counts.push(tf.memory().numTensors);
    });
    const m = await trainAutoencoder(denseDigitOptions(), io);
    const epochs = epochsOf(io.events);
    expect(epochs).toHaveLength(12);
    // Measured: 0.69 (an untrained sigmoid output) falls to about 0.27 in 12 epochs here.
    expect(epochs[0]!.valLoss!).toBeGreaterThan(0.4);
    expect(epochs.at(-1)!.valLoss!).toBeLessThan(0.33);
    expect(epochs.at(-1)!.valPsnr!).toBeGreaterThan(epochs[0]!.valPsnr! + 1);
    // tf.memory().numTensors is the same at every epoch: every step is inside tf.tidy.
    expect(new Set(counts).size).toBe(1);
    expect(epochs[0]!.reconstructions.length).toBeGreaterThan(0);
    expect(m.card.codeRange.max).toBeGreaterThan(m.card.codeRange.min);
    expect(m.card.training.noise).toBe('uniform[-0.5,0.5]');
    m.encoder.dispose();
    m.decoder.dispose();
  });

  it('a conv model on photo crops trains (loss falls)', async () => {
    const io = collectingIO<TrainProgress>();
    const m = await trainAutoencoder(convPhotoOptions(), io);
    const epochs = epochsOf(io.events);
    expect(epochs.at(-1)!.loss).toBeLessThan(epochs[0]!.loss);
    expect(m.card.arch).toBe('conv');
    m.encoder.dispose();
    m.decoder.dispose();
  });

  it('the same seed repeats the run on the same backend', async () => {
    const a = collectingIO<TrainProgress>();
    const b = collectingIO<TrainProgress>();
    const ma = await trainAutoencoder(denseDigitOptions({ epochs: 2 }), a);
    const mb = await trainAutoencoder(denseDigitOptions({ epochs: 2 }), b);
    expect(epochsOf(b.events).map((e) => e.loss)).toEqual(epochsOf(a.events).map((e) => e.loss));
    // Progress moves batch by batch within the first epoch, and reaches 1 at the end.
    const fractions = a.events.flatMap((e) => (e.kind === 'batch' && e.epoch === 1 ? [e.fraction!] : []));
    expect(fractions.length).toBeGreaterThan(1);
    expect(fractions[0]).toBeGreaterThan(0);
    expect(fractions.at(-1)!).toBeGreaterThan(fractions[0]!);
    expect(fractions.at(-1)!).toBeLessThanOrEqual(0.5 + 1e-9);
    const last = a.events.filter((e) => e.kind === 'batch').at(-1)!;
    expect(last.kind === 'batch' && last.fraction).toBeCloseTo(1, 6);
    const mc = await trainAutoencoder(denseDigitOptions({ epochs: 2, seed: 8 }), collectingIO<TrainProgress>());
    expect(mc.card.history[1]!.loss).not.toBe(ma.card.history[1]!.loss);
    for (const m of [ma, mb, mc]) tf.dispose([m.encoder, m.decoder] as unknown as tf.Tensor[]);
  });

  it('cancel stops within one batch and frees the model', async () => {
    const before = tf.memory().numTensors;
    let batches = 0;
    const io = collectingIO<TrainProgress>((p) => {
      if (p.kind === 'batch' && ++batches === 2) io.controller.abort();
    });
    await expect(trainAutoencoder(denseDigitOptions({ epochs: 50 }), io)).rejects.toThrow('cancelled');
    expect(batches).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('early stopping ends a run that stops improving', async () => {
    const io = collectingIO<TrainProgress>();
    const m = await trainAutoencoder(denseDigitOptions({ epochs: 40, patience: 1, learningRate: 0.5 }), io);
    expect(m.card.training.stoppedEarly).toBe(true);
    expect(epochsOf(io.events).length).toBeLessThan(40);
    m.encoder.dispose();
    m.decoder.dispose();
  });
});
