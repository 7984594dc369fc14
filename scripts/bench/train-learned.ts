// Training throughput of the learned families' default models through the studio's own trainer
// (train-rd.ts: forward, autograd, gradient clip, fused Adam), per wall-clock and per CPU second:
//   factorized and hyperprior N64/M96 on 128x128 RGB landscape crops, batch 8 (the reference's settings)
//   dense-prior on 28x28 Fashion-MNIST-like gray digits, batch 64
// BENCH_SECONDS (default 20) of training per family. Run alone on a quiet machine.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { familyMeta } from '../../src-main/core/engine/models/families.js';
import { trainRateDistortion, type LearnedHyper } from '../../src-main/core/engine/train-rd.js';

const PHOTOS = path.resolve(import.meta.dirname, '../../../shared/data/B_landscapes_endless_sky_720x360');
const DIGITS = path.resolve(import.meta.dirname, '../../../shared/data/A_digits_opencv_20x20/digits.png');
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const info = await chooseBackend();
const photos = readdirSync(PHOTOS)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 90)
  .map((f) => path.join(PHOTOS, f));
// 28x28 gray samples: digits cut from the sheet and padded (no extra data set needed).
const tmp = mkdtempSync(path.join(tmpdir(), 'bench-train-'));
const sheet = await sharp(DIGITS).toColourspace('b-w').extractChannel(0).raw().toBuffer();
const small: string[] = [];
for (let i = 0; i < 256; i++) {
  const cell = Buffer.alloc(28 * 28);
  const r = Math.floor(i / 100) * 20;
  const c = (i % 100) * 20;
  for (let y = 0; y < 20; y++) sheet.copy(cell, (y + 4) * 28 + 4, (r + y) * 2000 + c, (r + y) * 2000 + c + 20);
  const f = path.join(tmp, `s${i}.png`);
  await sharp(cell, { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toFile(f);
  small.push(f);
}

console.log(
  `backend ${info.backend} (${info.reason}); ${seconds} s of training per family; load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const cases: { label: string; hyper: LearnedHyper & Record<string, unknown>; channels: 1 | 3; batch: number; files: string[] }[] = [
  {
    label: 'factorized N64/M96, 128x128 RGB, batch 8',
    hyper: { arch: 'factorized', n: 64, m: 96, lambdas: [0.01], crop: 128 },
    channels: 3,
    batch: 8,
    files: photos,
  },
  {
    label: 'hyperprior N64/M96, 128x128 RGB, batch 8',
    hyper: { arch: 'hyperprior', n: 64, m: 96, lambdas: [0.01], crop: 128 },
    channels: 3,
    batch: 8,
    files: photos,
  },
  {
    label: 'dense-prior 784-512-256-64, 28x28 gray, batch 64',
    hyper: {
      arch: 'dense-prior',
      tile: 28,
      encoderLayers: [512, 256],
      decoderLayers: [256, 512],
      codeSize: 64,
      activation: 'relu',
      lambdas: [0.01],
    },
    channels: 1,
    batch: 64,
    files: small,
  },
];
try {
  for (const c of cases) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await trainRateDistortion(
      {
        hyper: c.hyper,
        channels: c.channels,
        distortion: 'mse',
        trainFiles: c.files,
        valFiles: c.files.slice(0, 2),
        batchSize: c.batch,
        learningRate: 1e-3,
        seed: 1,
        minutes: seconds / 60,
        stepsPerEpoch: 1_000_000,
        warmupSteps: 0,
        dropAt: 0.8,
        clipNorm: 1,
        valSamples: 2,
      },
      { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} },
    );
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    const mac = familyMeta(c.hyper.arch)!.mac(c.hyper as never, c.channels);
    console.log(
      `${c.label.padEnd(52)} ${r.steps} steps: ${(r.steps / r.trainSeconds).toFixed(2)} steps/s, ${r.samplesPerSecond.toFixed(1)} samples/s ` +
        `(${((r.steps * c.batch) / ((cpu.user + cpu.system) / 1e6)).toFixed(1)} per CPU s, whole run ${wall.toFixed(1)} s); decoder ${Math.round(mac.decoder)} MAC/px`,
    );
    r.params.dispose();
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
