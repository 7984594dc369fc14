// Development check of the port against ../shared/reference/lic_reference.py: trains a learned
// family with the reference's settings on the shared landscapes (sorted files, first 90 train,
// the rest test; 128x128 crops with flips, batch 8, Adam 1e-3 divided by 10 after 80 % of the
// steps, gradient-norm clip 1.0) and prints one JSON line per evaluation, measured like the
// reference: entropy estimate of the rounded latents + 8 bytes per image, PSNR-RGB of the
// rounded 8-bit reconstruction. Saves the trained weights for real-file checks.
//   node bin/run-ts.js scripts/dev/rd-reference.ts --lam 0.01 --steps 2000 --eval-at 1000,1600,2000 --out ref.jsonl
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { readImage } from '../../src-main/core/imaging/index.js';
import { learnedImpl } from '../../src-main/core/engine/models/registry.js';
import type { ParamStore } from '../../src-main/core/engine/models/layers/params.js';
import { paddedTensor } from '../../src-main/core/engine/models/layers/image-io.js';
import { toFloat } from '../../src-main/core/imaging/pixels.js';
import { trainRateDistortion, type LearnedHyper } from '../../src-main/core/engine/train-rd.js';

const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/B_landscapes_endless_sky_720x360' },
    model: { type: 'string', default: 'factorized' },
    N: { type: 'string', default: '64' },
    M: { type: 'string', default: '96' },
    lam: { type: 'string', default: '0.01' },
    steps: { type: 'string', default: '2000' },
    'eval-at': { type: 'string', default: '1000,2000' },
    'train-count': { type: 'string', default: '90' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string' },
    save: { type: 'string' },
  },
});
const files = (await readdir(a.data!)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
const all = files.map((f) => path.join(a.data!, f));
const train = all.slice(0, Number(a['train-count']));
const test = all.slice(Number(a['train-count']));
const steps = Number(a.steps);
const evalAt = new Set([...a['eval-at']!.split(',').map(Number), steps]);
const hyper: LearnedHyper & Record<string, unknown> = {
  arch: a.model!,
  n: Number(a.N),
  m: Number(a.M),
  lambdas: [Number(a.lam)],
  crop: 128,
};
const impl = learnedImpl<LearnedHyper>(a.model!);
const testImages = await Promise.all(test.map(async (f) => toFloat(await readImage(f, { channels: 3 }), 3)));

function evaluate(params: ParamStore): { bpp: number; psnr: number } {
  let bpp = 0;
  let psnr = 0;
  for (const img of testImages) {
    const r = tf.tidy(() => {
      const { x } = paddedTensor(img, a.model === 'hyperprior' ? 64 : 16);
      const out = impl.forward(params, hyper, x, { training: false, level: 0, noiseSeed: 0 });
      const bits = tf.addN(out.likelihoods.map((l) => tf.sum(tf.log(l)))).dataSync()[0]! / -Math.LN2;
      const crop = tf.slice(out.xHat, [0, 0, 0, 0], [1, img.height, img.width, 3]);
      const q = tf.round(tf.mul(tf.clipByValue(crop, 0, 1), 255));
      const ref = tf.round(tf.mul(tf.tensor4d(img.data, [1, img.height, img.width, 3]), 255));
      const mse = tf.mean(tf.squaredDifference(q, ref)).dataSync()[0]!;
      return { bits, mse };
    });
    bpp += (r.bits + 8 * 8) / (img.width * img.height);
    psnr += 10 * Math.log10((255 * 255) / Math.max(r.mse, 1e-10));
  }
  return { bpp: bpp / testImages.length, psnr: psnr / testImages.length };
}

const cpu0 = process.cpuUsage();
const started = performance.now();
const trained = await trainRateDistortion(
  {
    hyper,
    channels: 3,
    distortion: 'mse',
    trainFiles: train,
    valFiles: test.slice(0, 2),
    batchSize: 8,
    learningRate: 1e-3,
    seed: Number(a.seed),
    steps,
    stepsPerEpoch: 100,
    warmupSteps: 0,
    dropAt: 0.8,
    clipNorm: 1,
    valSamples: 2,
  },
  { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} },
  {
    onEpoch: async (e, _r, params) => {
      process.stderr.write(
        `step ${e.step} loss ${e.loss.toFixed(3)} bpp ${e.bpp.toFixed(3)} psnr ${e.psnr.toFixed(2)} ${e.seconds.toFixed(0)} s\n`,
      );
      if (!evalAt.has(e.step)) return;
      const r = evaluate(params);
      const cpu = process.cpuUsage(cpu0);
      const rec = {
        model: a.model,
        N: hyper.n,
        M: hyper.m,
        lam: Number(a.lam),
        step: e.step,
        backend: tf.getBackend(),
        train_cpu_s: Math.round((cpu.user + cpu.system) / 1e5) / 10,
        wall_s: Math.round((performance.now() - started) / 100) / 10,
        test_images: testImages.length,
        bpp: Number(r.bpp.toFixed(4)),
        psnr: Number(r.psnr.toFixed(3)),
      };
      console.log(JSON.stringify(rec));
      if (a.out) await appendFile(a.out, JSON.stringify(rec) + '\n');
    },
  },
);
if (a.save) {
  const arrays = trained.params.toArrays();
  const manifest = trained.params.manifest();
  await writeFile(a.save, JSON.stringify({ hyper, manifest, weights: arrays.map((w) => Buffer.from(w.buffer).toString('base64')) }));
}
