// npm run bench:train: training throughput (samples/s) of the studio's training step against
// the stock tfjs model.fit path, same model, same backend, same run.
//   dense: 400-256-64-32 mirrored on 20x20 digits, batch 64
//   conv:  64x64 RGB crops, downsampling 8, batch 16
// Every backend that loads here is measured (tensorflow needs @tensorflow/tfjs-node). The stock
// path runs in a child process with LATENT_STUDIO_STOCK_KERNELS=1, i.e. tfjs's own wasm kernels
// (plus the one it lacks, Conv2DBackpropFilter, without which conv cannot train at all).
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { buildAutoencoder, type Autoencoder } from '../../src-main/core/engine/models/build.js';
import type { Hyper } from '../../src-main/core/engine/model-card.js';
import { batchShape, trainableVariables, trainStep } from '../../src-main/core/engine/train.js';

const DIGITS = '/work/shared/data/A_digits_opencv_20x20/digits.png';
const PHOTOS = '/work/shared/data/B_landscapes_endless_sky_720x360';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);

async function digitBatches(n: number): Promise<Float32Array> {
  const { data } = await sharp(new URL(`file://${process.env.BENCH_DIGITS ?? DIGITS}`).pathname)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Float32Array(n * 400);
  for (let i = 0; i < n; i++) {
    const cell = i % 5000;
    const r = Math.floor(cell / 100);
    const c = cell % 100;
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) out[i * 400 + y * 20 + x] = data[(r * 20 + y) * 2000 + c * 20 + x]! / 255;
  }
  return out;
}

async function photoCrops(n: number): Promise<Float32Array> {
  const { readdirSync } = await import('node:fs');
  const files = readdirSync(PHOTOS)
    .filter((f) => f.endsWith('.jpg'))
    .slice(0, 16);
  const out = new Float32Array(n * 64 * 64 * 3);
  for (let i = 0; i < n; i++) {
    const { data, info } = await sharp(`${PHOTOS}/${files[i % files.length]}`)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const x0 = (i * 97) % (info.width - 64);
    const y0 = (i * 53) % (info.height - 64);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++)
        for (let k = 0; k < 3; k++) out[((i * 64 + y) * 64 + x) * 3 + k] = data[((y0 + y) * info.width + x0 + x) * 3 + k]! / 255;
  }
  return out;
}

async function timeIt(batch: number, step: () => Promise<void>): Promise<number> {
  await step(); // warm-up (kernel compilation, allocation)
  const start = performance.now();
  let samples = 0;
  while (performance.now() - start < seconds * 1000) {
    await step();
    samples += batch;
  }
  return samples / ((performance.now() - start) / 1000);
}

const stockMode = process.env.LATENT_STUDIO_STOCK_KERNELS === '1';

async function bench(label: string, hyper: Hyper, channels: 1 | 3, batch: number, data: Float32Array): Promise<number> {
  const sampleSize = data.length / (data.length / batchShape(hyper, 1, channels).reduce((a, b) => a * b, 1));
  const n = data.length / sampleSize;
  const slice = (i: number) => data.subarray(((i * batch) % (n - batch)) * sampleSize, (((i * batch) % (n - batch)) + batch) * sampleSize);

  if (!stockMode) {
    const ours: Autoencoder = buildAutoencoder(hyper, channels, 1);
    const vars = trainableVariables(ours);
    const opt = tf.train.adam(1e-3);
    let i = 0;
    const rate = await timeIt(batch, async () => {
      await trainStep(ours, opt, vars, 'bce', slice(i++), batchShape(hyper, batch, channels), i);
    });
    tf.dispose([ours.encoder, ours.decoder] as unknown as tf.Tensor[]);
    opt.dispose();
    return rate;
  }
  const stock = buildAutoencoder(hyper, channels, 1);
  const input = tf.input({ shape: batchShape(hyper, 1, channels).slice(1) });
  const joined = tf.model({ inputs: input, outputs: stock.decoder.apply(stock.encoder.apply(input)) as tf.SymbolicTensor });
  joined.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  let j = 0;
  const rate = await timeIt(batch, async () => {
    const x = tf.tensor(slice(j++), batchShape(hyper, batch, channels));
    await joined.fit(x, x, { batchSize: batch, epochs: 1, verbose: 0 });
    x.dispose();
  });
  tf.dispose([stock.encoder, stock.decoder, joined] as unknown as tf.Tensor[]);
  return rate;
}

const info = await chooseBackend();
const digits = await digitBatches(4096);
const crops = await photoCrops(256);
const dense: Hyper = { arch: 'dense', tile: 20, encoderLayers: [256, 64], decoderLayers: [64, 256], codeSize: 32, activation: 'relu' };
const conv: Hyper = {
  arch: 'conv',
  downsampling: 8,
  filters: [32, 48, 64],
  codeChannels: 8,
  kernelSize: 5,
  activation: 'relu',
  crop: 64,
  tile: 256,
};
const backends = ['tensorflow', 'wasm', 'cpu'].filter((b) => tf.findBackend(b) || tf.findBackendFactory(b));
const cases = [
  { label: 'dense 400-256-64-32, batch 64', run: () => bench('dense', dense, 1, 64, digits) },
  { label: 'conv 64x64 RGB, /8, batch 16', run: () => bench('conv', conv, 3, 16, crops) },
];

if (stockMode) {
  // Child: stock model.fit on one backend, figures as JSON on stdout.
  const b = process.env.BENCH_BACKEND!;
  await tf.setBackend(b);
  await tf.ready();
  const rates: number[] = [];
  for (const c of cases) rates.push(await c.run());
  process.stdout.write(JSON.stringify(rates));
} else {
  console.log(`backend chosen by the studio: ${info.backend} (${info.reason}); ${seconds} s per measurement`);
  for (const b of backends) {
    if (!(await tf.setBackend(b))) continue;
    await tf.ready();
    const ours: number[] = [];
    for (const c of cases) ours.push(await c.run());
    const out = execFileSync(
      process.execPath,
      [new URL('../../bin/run-ts.js', import.meta.url).pathname, new URL(import.meta.url).pathname],
      {
        env: { ...process.env, LATENT_STUDIO_STOCK_KERNELS: '1', BENCH_BACKEND: b, LATENT_STUDIO_BACKEND: b },
        encoding: 'utf8',
      },
    );
    const stock = JSON.parse(out.trim().split('\n').at(-1)!) as number[];
    cases.forEach((c, k) => {
      const o = ours[k]!;
      const s = stock[k]!;
      console.log(
        `${b.padEnd(10)} ${c.label.padEnd(32)} studio ${o.toFixed(0).padStart(7)} samples/s   stock model.fit ${s.toFixed(0).padStart(7)} samples/s   ${(o / s).toFixed(2)}x`,
      );
    });
  }
}
