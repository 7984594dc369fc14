// Saving, reloading (in a fresh process), encode/decode shapes and memory, conv tiling.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { convDecode, convEncode } from '../../../src-main/core/engine/inference.js';
import { buildConv } from '../../../src-main/core/engine/models/build.js';
import { loadModel, saveModelDir, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import type { ConvHyper } from '../../../src-main/core/engine/model-card.js';
import { toFloat } from '../../../src-main/core/imaging/pixels.js';
import { trainAutoencoder, type TrainProgress } from '../../../src-main/core/engine/train.js';
import { readImage } from '../../../src-main/core/imaging/index.js';
import { collectingIO, convPhotoOptions, denseDigitOptions, fixtureFiles } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const root = path.resolve(import.meta.dirname, '../../..');
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
let model: LoadedModel;

beforeAll(async () => {
  process.env.LATENT_STUDIO_BACKEND = 'wasm';
  await chooseBackend();
  tmp = makeTmpDir();
  const trained = await trainAutoencoder(denseDigitOptions({ epochs: 3 }), collectingIO<TrainProgress>());
  dir = path.join(tmp.dir, 'm-test');
  await saveModelDir(dir, trained.encoder, trained.decoder, { ...trained.card, id: 'm-test', decoderBytes: 0 });
  trained.encoder.dispose();
  trained.decoder.dispose();
  model = await loadModel(dir);
});
afterAll(() => {
  model.dispose();
  tmp.cleanup();
});

describe('saved models', () => {
  it('reload in a fresh process gives the same outputs within float tolerance', async () => {
    const file = fixtureFiles('digits')[3]!;
    const out = execFileSync(
      process.execPath,
      [path.join(root, 'bin/run-ts.js'), path.join(root, 'test/core/engine/child/encode-in-child.ts'), dir, file],
      {
        encoding: 'utf8',
        env: { ...process.env, LATENT_STUDIO_BACKEND: 'wasm' },
      },
    );
    const child = JSON.parse(out) as { code: number[]; pixels: number[]; hash: string };
    const img = await readImage(file, { channels: 1 });
    const code = await model.encode(img);
    expect(child.hash).toBe(model.weightsHash);
    expect(child.code.length).toBe(code.data.length);
    child.code.forEach((v, i) => expect(Math.abs(v - code.data[i]!)).toBeLessThan(1e-4));
    const back = await model.decode(code, img.width, img.height);
    child.pixels.forEach((v, i) => expect(Math.abs(v - back.data[i]!)).toBeLessThanOrEqual(1));
  });

  it('encodes any image size into a grid of tiles and decodes the exact size', async () => {
    const big = await readImage(fixtureFiles('landscapes-small')[0]!, { channels: 1 });
    const code = await model.encode(big);
    expect([code.gh, code.gw, code.c]).toEqual([Math.ceil(big.height / 20), Math.ceil(big.width / 20), 16]);
    const back = await model.decode(code, big.width, big.height);
    expect([back.width, back.height, back.channels]).toEqual([big.width, big.height, 1]);
    const thin = { data: new Uint8Array(1 * 7).fill(200), width: 1, height: 7, channels: 1 as const };
    const thinBack = await model.decode(await model.encode(thin), 1, 7);
    expect([thinBack.width, thinBack.height]).toEqual([1, 7]);
  });

  it('repeated encode and decode calls do not grow tf.memory().numTensors', async () => {
    const img = await readImage(fixtureFiles('digits')[0]!, { channels: 1 });
    await model.decode(await model.encode(img), 20, 20);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await model.decode(await model.encode(img), 20, 20);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a conv model (with its sub-pixel layers) saves and reloads with identical outputs', async () => {
    const trained = await trainAutoencoder(convPhotoOptions({ epochs: 1 }), collectingIO<TrainProgress>());
    const convDir = path.join(tmp.dir, 'm-conv');
    await saveModelDir(convDir, trained.encoder, trained.decoder, { ...trained.card, id: 'm-conv', decoderBytes: 0 });
    const loaded = await loadModel(convDir);
    const img = await readImage(fixtureFiles('landscapes-small')[1]!, { channels: 3 });
    const code = await loaded.encode(img);
    expect([code.gh, code.gw, code.c]).toEqual([Math.ceil(img.height / 8), Math.ceil(img.width / 8), 4]);
    const direct = convEncode(trained.encoder, trained.card.hyper as ConvHyper, toFloat(img, 3));
    direct.data.forEach((v, i) => expect(Math.abs(v - code.data[i]!)).toBeLessThan(1e-5));
    const back = await loaded.decode(code, img.width, img.height);
    expect([back.width, back.height, back.channels]).toEqual([img.width, img.height, 3]);
    loaded.dispose();
    trained.encoder.dispose();
    trained.decoder.dispose();
  });

  it('a corrupt model folder gives a one-line error naming it', async () => {
    await expect(loadModel(path.join(tmp.dir, 'nope'))).rejects.toThrow(/nope: not a saved model/);
  });
});

describe('conv tiling', () => {
  it('the tiled result matches the untiled one (no seams)', async () => {
    const h: ConvHyper = {
      arch: 'conv',
      downsampling: 8,
      filters: [8, 12, 12],
      codeChannels: 4,
      kernelSize: 5,
      activation: 'relu',
      crop: 32,
      tile: 1024,
    };
    const { encoder, decoder } = buildConv(h, 3, 11);
    const img = toFloat(await readImage(fixtureFiles('landscapes-small')[0]!, { channels: 3 }), 3);
    const whole = convEncode(encoder, h, img, 4096);
    const tiled = convEncode(encoder, h, img, 48);
    expect([tiled.gh, tiled.gw]).toEqual([whole.gh, whole.gw]);
    let worst = 0;
    whole.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - tiled.data[i]!))));
    expect(worst).toBeLessThan(1e-4);
    const a = convDecode(decoder, h, whole, 3, img.width, img.height, 4096);
    const b = convDecode(decoder, h, whole, 3, img.width, img.height, 48);
    let worstPix = 0;
    a.data.forEach((v, i) => (worstPix = Math.max(worstPix, Math.abs(v - b.data[i]!))));
    expect(worstPix).toBeLessThan(1e-4);
    encoder.dispose();
    decoder.dispose();
  });
});
