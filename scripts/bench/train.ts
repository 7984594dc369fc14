// npm run bench:train: training throughput (samples/s) of the studio's training step against
// the stock tfjs model.fit path, same model, same backend, same run.
//   dense: 400-256-64-32 mirrored on 20x20 digits, batch 64
//   conv:  64x64 RGB crops, downsampling 8, batch 16
// Every backend that loads here is measured (tensorflow needs @tensorflow/tfjs-node). Three paths:
//   studio  the studio's step (trainStep) with the studio's kernels
//   fit+k   stock model.fit with the studio's kernels (what the kernels alone buy)
//   stock   stock model.fit with tfjs's own kernels, in a child process with
//           LATENT_STUDIO_STOCK_KERNELS=1 (plus the one wasm lacks, Conv2DBackpropFilter,
//           without which conv cannot train on wasm at all)
// Each figure is given per wall-clock second and per second of this process's CPU time: on a
// machine shared with other work the second one is the steadier measure of the code itself.
// Stock conv on the cpu backend takes minutes per step; it runs only with BENCH_SLOW=1.
//   BENCH_SECONDS (default 6) per measurement; BENCH_BACKENDS=wasm,cpu to choose backends.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { FusedAdam } from '../../src-main/core/engine/adam.js';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { buildAutoencoder } from '../../src-main/core/engine/models/build.js';
import type { Hyper } from '../../src-main/core/engine/model-card.js';
import { batchShape, trainableVariables, trainStep } from '../../src-main/core/engine/train.js';

const DIGITS = '/work/shared/data/A_digits_opencv_20x20/digits.png';
const PHOTOS = '/work/shared/data/B_landscapes_endless_sky_720x360';
const seconds = Number(process.env.BENCH_SECONDS ?? 6);

interface Rate {
  wall: number;
  cpu: number;
}
type Path = 'studio' | 'fitStudioKernels' | 'stock';

async function digitSamples(n: number): Promise<Float32Array> {
  const { data } = await sharp(process.env.BENCH_DIGITS ?? DIGITS)
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

/** Samples per second over at least `seconds` (one warm-up step first, at least one timed step). */
async function timeIt(batch: number, step: () => Promise<void>): Promise<Rate> {
  await step(); // warm-up: operator creation, allocation
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let samples = 0;
  do {
    await step();
    samples += batch;
  } while (performance.now() - start < seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  return { wall: samples / ((performance.now() - start) / 1000), cpu: samples / ((cpu.user + cpu.system) / 1e6) };
}

async function bench(path: Path, hyper: Hyper, channels: 1 | 3, batch: number, data: Float32Array): Promise<Rate> {
  const shape = batchShape(hyper, batch, channels);
  const sampleSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const n = data.length / sampleSize;
  const slice = (i: number) => data.subarray(((i * batch) % (n - batch)) * sampleSize, (((i * batch) % (n - batch)) + batch) * sampleSize);
  const model = buildAutoencoder(hyper, channels, 1);
  try {
    if (path === 'studio') {
      const opt = new FusedAdam(trainableVariables(model), 1e-3);
      let i = 0;
      return await timeIt(batch, async () => {
        trainStep(model, opt, 'bce', slice(i++), shape, i);
      });
    }
    const input = tf.input({ shape: shape.slice(1) });
    const joined = tf.model({ inputs: input, outputs: model.decoder.apply(model.encoder.apply(input)) as tf.SymbolicTensor });
    joined.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
    let j = 0;
    return await timeIt(batch, async () => {
      const x = tf.tensor(slice(j++), shape);
      await joined.fit(x, x, { batchSize: batch, epochs: 1, verbose: 0 });
      x.dispose();
    });
  } finally {
    model.encoder.dispose();
    model.decoder.dispose();
  }
}

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
const cases = [
  { label: 'dense 400-256-64-32, batch 64', hyper: dense, channels: 1 as const, batch: 64, data: () => digitSamples(4096) },
  { label: 'conv 64x64 RGB, /8, batch 16', hyper: conv, channels: 3 as const, batch: 16, data: () => photoCrops(256) },
];
const slowSkipped = (backend: string, label: string, path: Path) =>
  backend === 'cpu' && label.startsWith('conv') && path === 'stock' && process.env.BENCH_SLOW !== '1';

const mode = process.env.BENCH_MODE;
const info = await chooseBackend();
if (mode === 'studio' || mode === 'stock') {
  // Child: one backend (forced by LATENT_STUDIO_BACKEND, chosen and set up the studio's way);
  // figures as JSON on the last line of stdout.
  const paths: Path[] = mode === 'studio' ? ['studio', 'fitStudioKernels'] : ['stock'];
  const rates: Record<string, Rate | null>[] = [];
  for (const c of cases) {
    const data = await c.data();
    const row: Record<string, Rate | null> = {};
    for (const p of paths) row[p] = slowSkipped(info.backend, c.label, p) ? null : await bench(p, c.hyper, c.channels, c.batch, data);
    rates.push(row);
  }
  process.stdout.write(`\n${JSON.stringify(rates)}\n`);
} else {
  console.log(`backend chosen by the studio: ${info.backend} (${info.reason}); ${seconds} s per measurement`);
  console.log('samples/s per wall-clock second (in brackets: per CPU second of the measuring process)');
  const wanted = process.env.BENCH_BACKENDS?.split(',');
  const child = (backend: string, childMode: 'studio' | 'stock'): Record<string, Rate | null>[] | null => {
    try {
      const out = execFileSync(
        process.execPath,
        [new URL('../../bin/run-ts.js', import.meta.url).pathname, new URL(import.meta.url).pathname],
        {
          env: {
            ...process.env,
            BENCH_MODE: childMode,
            LATENT_STUDIO_BACKEND: backend,
            LATENT_STUDIO_STOCK_KERNELS: childMode === 'stock' ? '1' : '',
          },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, Rate | null>[];
    } catch {
      return null;
    }
  };
  const fmt = (r: Rate | null | undefined) =>
    r ? `${r.wall.toFixed(0).padStart(5)} (${r.cpu.toFixed(0).padStart(5)})` : 'skipped (BENCH_SLOW=1 runs it)';
  for (const b of ['tensorflow', 'wasm', 'cpu'].filter((x) => !wanted || wanted.includes(x))) {
    const ours = child(b, 'studio');
    if (!ours) {
      console.log(`${b.padEnd(10)} does not load here`);
      continue;
    }
    const stock = child(b, 'stock');
    cases.forEach((c, k) => {
      const o = ours[k]!.studio!;
      const s = stock?.[k]?.stock ?? null;
      const ratio = s ? `   studio/stock ${(o.wall / s.wall).toFixed(2)}x (${(o.cpu / s.cpu).toFixed(2)}x)` : '';
      console.log(
        `${b.padEnd(10)} ${c.label.padEnd(30)} studio ${fmt(o)}   fit+studio kernels ${fmt(ours[k]!.fitStudioKernels)}   stock fit ${fmt(s)}${ratio}`,
      );
    });
  }
}
