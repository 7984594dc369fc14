// Data-parallel training throughput: the hyperprior N64/M96 on 128x128 RGB landscape crops,
// batch 8 (the reference's settings), trained through train-rd.ts with 1 and with more workers
// (model replicas in worker threads) in the same run, BENCH_SECONDS (default 20) each.
//   BENCH_WORKERS=1,2 (default: 1 and the default worker count, when that is more than 1)
// samples/s counts the steps' time (gradients, their combination, Adam); "whole run" also counts
// data loading, validation and the workers' start. CPU seconds are this process's, all threads.
// The load average is printed before and after: figures from a busy machine are not comparable.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { defaultTrainWorkers } from '../../src-main/core/engine/parallel/workers.js';
import { trainRateDistortion, type LearnedHyper } from '../../src-main/core/engine/train-rd.js';

const PHOTOS = path.resolve(import.meta.dirname, '../../../shared/data/B_landscapes_endless_sky_720x360');
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const workerCounts = (process.env.BENCH_WORKERS ?? [...new Set([1, defaultTrainWorkers()])].join(','))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n >= 1);
const info = await chooseBackend();
const photos = readdirSync(PHOTOS)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 90)
  .map((f) => path.join(PHOTOS, f));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const hyper: LearnedHyper & Record<string, unknown> = { arch: 'hyperprior', n: 64, m: 96, lambdas: [0.01], crop: 128 };
const batch = 8;
console.log(
  `hyperprior N64/M96, 128x128 RGB, batch ${batch}; backend ${info.backend}; ${os.availableParallelism()} cores; ` +
    `${seconds} s per worker count; load average ${load()}`,
);
const rates: number[] = [];
for (const workers of workerCounts) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await trainRateDistortion(
    {
      hyper,
      channels: 3,
      distortion: 'mse',
      trainFiles: photos,
      valFiles: photos.slice(0, 2),
      batchSize: batch,
      learningRate: 1e-3,
      seed: 1,
      minutes: seconds / 60,
      stepsPerEpoch: 1_000_000,
      warmupSteps: 0,
      dropAt: 0.8,
      clipNorm: 1,
      valSamples: 2,
      workers,
    },
    { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} },
  );
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  rates.push(r.samplesPerSecond);
  console.log(
    `${String(workers).padStart(2)} worker(s): ${r.steps} steps, ${r.samplesPerSecond.toFixed(1)} samples/s ` +
      `(${((r.steps * batch) / wall).toFixed(1)} whole run, ${((r.steps * batch) / ((cpu.user + cpu.system) / 1e6)).toFixed(1)} per CPU s), ` +
      `x${(r.samplesPerSecond / rates[0]!).toFixed(2)} of ${workerCounts[0]} worker(s); load average ${load()}`,
  );
  r.params.dispose();
}
