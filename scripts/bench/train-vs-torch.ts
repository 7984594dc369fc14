// Training speed of the studio's trainer against the PyTorch reference on the same model, same run
// (issue: "measure against PyTorch on the same model"): the reference configuration (factorized,
// N 64, M 96, 128x128 crops of the first 90 sorted landscapes, batch 8) and the default photo family
// (hyperprior, same sizes), each with 1 and with all workers; then, when /usr/bin/python3 can import
// torch, ../shared/reference/lic_reference.py's model through scripts/bench/torch_reference_speed.py
// with 1 and all threads on the same files. BENCH_SECONDS (default 20) per run. Run alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseBackend } from '../../src-main/core/engine/backend.js';
import { defaultTrainWorkers } from '../../src-main/core/engine/parallel/workers.js';
import { trainRateDistortion, type LearnedHyper } from '../../src-main/core/engine/train-rd.js';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const PHOTOS = path.join(SHARED, 'data/B_landscapes_endless_sky_720x360');
const REFERENCE = path.join(SHARED, 'reference');
const PYTHON = '/usr/bin/python3';
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const all = defaultTrainWorkers();
const counts = [...new Set([1, all])];
const batch = 8;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const photos = readdirSync(PHOTOS)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 90)
  .map((f) => path.join(PHOTOS, f));
const info = await chooseBackend();
console.log(`backend ${info.backend}; ${os.availableParallelism()} cores; ${seconds} s per run; load average ${load()}`);

interface Rate {
  wall: number;
  cpu: number;
}

async function ours(arch: 'factorized' | 'hyperprior', workers: number): Promise<Rate> {
  const hyper: LearnedHyper & Record<string, unknown> = { arch, n: 64, m: 96, lambdas: [0.01], crop: 128 };
  const cpu0 = process.cpuUsage();
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
  r.params.dispose();
  // samplesPerSecond counts the steps' time; CPU is the whole run's (validation included), so per-CPU is a lower bound.
  return { wall: r.samplesPerSecond, cpu: (r.steps * batch) / ((cpu.user + cpu.system) / 1e6) };
}

function torchAvailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function torch(arch: 'factorized' | 'hyperprior', threads: number, list: string): Rate {
  const script = path.join(import.meta.dirname, 'torch_reference_speed.py');
  const args = [script, '--reference', REFERENCE, '--files', list, '--model', arch, '--threads', String(threads), '--seconds', String(seconds)];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`PyTorch reference failed: ${r.stderr.trim().split('\n').pop()}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { samples_per_s: number; samples_per_cpu_s: number };
  return { wall: j.samples_per_s, cpu: j.samples_per_cpu_s };
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-torch-'));
const list = path.join(tmp, 'files.txt');
writeFileSync(list, photos.join('\n'));
const version = torchAvailable();
if (!version) console.log(`${PYTHON} cannot import torch (apt-get install python3-torch): the PyTorch side is skipped`);
try {
  for (const arch of ['factorized', 'hyperprior'] as const) {
    for (const n of counts) {
      const a = await ours(arch, n);
      let line = `${arch.padEnd(10)} ${n} worker(s)/thread(s): studio ${a.wall.toFixed(1)} samples/s (${a.cpu.toFixed(1)} per CPU s)`;
      if (version) {
        const b = torch(arch, n, list);
        line += `; PyTorch ${version} ${b.wall.toFixed(1)} samples/s (${b.cpu.toFixed(1)} per CPU s); studio/PyTorch x${(a.wall / b.wall).toFixed(2)} wall, x${(a.cpu / b.cpu).toFixed(2)} per CPU s`;
      }
      console.log(`${line}; load average ${load()}`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
