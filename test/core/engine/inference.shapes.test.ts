// The dense model on TxT tiles of larger images (with an asymmetric decoder), and the conv model
// at downsampling 16 on an image whose sides are not multiples of 16.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { convDecode, convEncode, denseDecode, denseEncode } from '../../../src-main/core/engine/inference.js';
import { buildConv } from '../../../src-main/core/engine/models/build.js';
import type { ConvHyper, DenseHyper } from '../../../src-main/core/engine/model-card.js';
import { toFloat } from '../../../src-main/core/imaging/pixels.js';
import { crop } from '../../../src-main/core/engine/float-image.js';
import { trainAutoencoder, type TrainProgress } from '../../../src-main/core/engine/train.js';
import { readImage } from '../../../src-main/core/imaging/index.js';
import { collectingIO, fixtureFiles } from '../../helpers/engine-fixtures.js';

beforeAll(async () => {
  process.env.LATENT_STUDIO_BACKEND = 'wasm';
  await chooseBackend();
});

function worstDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[i]!))));
  return worst;
}

describe('dense model on tiles', () => {
  it('trains on random 8x8 tiles of photos and codes any image size as a grid of tiles', async () => {
    const files = fixtureFiles('landscapes-small');
    const hyper: DenseHyper = { arch: 'dense', tile: 8, encoderLayers: [48], decoderLayers: [24, 96], codeSize: 6, activation: 'elu' };
    const io = collectingIO<TrainProgress>();
    const m = await trainAutoencoder(
      {
        name: 'tiles',
        dataset: { id: null, name: null },
        trainFiles: files.slice(1),
        valFiles: files.slice(0, 1),
        hyper,
        channels: 1,
        loss: 'mse',
        epochs: 3,
        batchSize: 64,
        learningRate: 3e-3,
        seed: 2,
        patience: 0,
        cropsPerImage: 64,
      },
      io,
    );
    const epochs = io.events.filter((e): e is Extract<TrainProgress, { kind: 'epoch' }> => e.kind === 'epoch');
    expect(epochs).toHaveLength(3);
    expect(epochs.at(-1)!.valLoss!).toBeLessThan(epochs[0]!.valLoss!);
    // The asymmetric decoder is built as asked: 6 -> 24 -> 96 -> 64.
    expect(m.decoder.layers.map((l) => (l.getConfig() as { units: number }).units)).toEqual([24, 96, 64]);
    const img = toFloat(await readImage(files[0]!, { channels: 1 }), 1);
    const odd = crop(img, 0, 0, 61, 37);
    const code = denseEncode(m.encoder, hyper, odd);
    expect([code.gh, code.gw, code.c]).toEqual([5, 8, 6]);
    const back = denseDecode(m.decoder, hyper, code, 1, 61, 37);
    expect([back.width, back.height, back.data.length]).toEqual([61, 37, 61 * 37]);
    tf.dispose([m.encoder, m.decoder] as unknown as tf.Tensor[]);
  });
});

describe('conv model at downsampling 16', () => {
  it('reflect-pads any size to the factor, and tiles with a halo match the whole image', async () => {
    const h: ConvHyper = {
      arch: 'conv',
      downsampling: 16,
      filters: [6, 8, 8, 8],
      codeChannels: 3,
      kernelSize: 3,
      activation: 'relu',
      crop: 32,
      tile: 4096,
    };
    const { encoder, decoder } = buildConv(h, 3, 5);
    const img = crop(toFloat(await readImage(fixtureFiles('landscapes-small')[2]!, { channels: 3 }), 3), 3, 2, 173, 83);
    const before = tf.memory().numTensors;
    const whole = convEncode(encoder, h, img);
    expect([whole.gh, whole.gw, whole.c]).toEqual([Math.ceil(83 / 16), Math.ceil(173 / 16), 3]);
    const tiled = convEncode(encoder, h, img, 64);
    expect(worstDiff(whole.data, tiled.data)).toBeLessThan(1e-4);
    const a = convDecode(decoder, h, whole, 3, 173, 83);
    const b = convDecode(decoder, h, whole, 3, 173, 83, 64);
    expect([a.width, a.height]).toEqual([173, 83]);
    expect(worstDiff(a.data, b.data)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
    decoder.dispose();
  });
});
