// npm run bench:batch — throughput and memory of batch compression: a folder of photos of 2 to 12
// megapixels (made from the shared large photos and landscapes by cropping and resizing) is
// compressed by the batch job with 1 and with 2 workers, each run in a fresh process so its peak
// RSS (main thread and worker threads together) is its own. Prints files/s, MB/s, megapixels/s,
// peak RSS, and the speed-up of each worker count over one.
//
//   node bin/run-ts.js scripts/bench/batch.ts [--count 2000] [--megapixels 2-12] [--workers 1,2] [--photos DIR] [--model DIR] [--keep]
//
// --count   photos to make (default 2000; --count 100 for a quick run). They are cached in
//           $TMPDIR/latent-studio-bench-batch/photos-<count> and reused by later runs. Each photo
//           takes about 0.65 s to make and 3.5 s of one core to compress here, so the full 2000
//           is hours on 2 cores; docs/performance.md says which count was measured.
// --megapixels  the size range of the photos (default 2-12); another range gets its own cache
//           folder (photos-<count>-<min>-<max>mp), e.g. many small files to watch per-file costs.
// Each run prints the load average (what `uptime` shows) before and after it: on a shared
// machine the second worker only helps when a second core is free.
// --model   a saved model folder (<home>/models/<id>); without it a small conv model (downsampling
//           8, filters 32-32-32, 8 code channels, kernel 5) is trained for one epoch: its speed
//           is what counts here, not its quality.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openCatalog } from '../../src-main/core/catalog/index.js';
import { readCard } from '../../src-main/core/engine/model-io.js';
import { studioHome, ensureHome } from '../../src-main/core/system/home.js';
import { Studio } from '../../src-main/core/studio.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DATA = path.resolve(process.env.LATENT_STUDIO_DATA ?? path.join(ROOT, '../shared/data'));
const QUEUE = process.argv.includes('--queue');
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    megapixels: { type: 'string', default: '2-12' },
    workers: { type: 'string', default: '1,2' },
    photos: { type: 'string' },
    model: { type: 'string' },
    keep: { type: 'boolean', default: false },
    quality: { type: 'string', default: '75' },
    // Internal: one measured run in a child process.
    child: { type: 'boolean', default: false },
    home: { type: 'string' },
    'model-id': { type: 'string' },
    out: { type: 'string' },
    n: { type: 'string' },
  },
  // `npm run bench:batch -- --queue [its options]`: the queue's benchmark (worker processes over Redis).
  args: QUEUE ? [] : process.argv.slice(2),
});

function log(line = ''): void {
  process.stdout.write(line + '\n');
}

interface RunFigures {
  workers: number;
  files: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
  megapixels: number;
  seconds: number;
  filesPerSecond: number;
  mbPerSecond: number;
  mpPerSecond: number;
  peakRssMb: number;
  maxRssMb: number;
  /** CPU time of the process (all threads) and the cores it got on average: on a shared machine
   * the second worker only helps when a second core is free. */
  cpuSeconds: number;
  coresUsed: number;
  startRssMb: number;
}

// ---- child: one batch run, measured -----------------------------------------------------------

async function child(): Promise<void> {
  const workers = Number(values.n);
  const studio = new Studio({ homeDir: values.home!, host: 'cli' });
  let peak = process.memoryUsage().rss;
  const startRss = peak;
  const cpu0 = process.cpuUsage();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const { jobId } = await studio.call('startBatch', {
    kind: 'compress',
    inputs: [values.photos!],
    outDir: values.out!,
    modelId: values['model-id']!,
    quality: Number(values.quality),
    workers,
    fresh: true,
  });
  let last = 0;
  studio.on('jobProgress', (e) => {
    if (e.kind !== 'batch.compress' || e.jobId !== jobId) return;
    const q = e.payload;
    if (Date.now() - last > 30_000) {
      last = Date.now();
      process.stderr.write(
        `  ${workers} worker(s): ${q.done}/${q.total}, ${q.mbPerSecond.toFixed(2)} MB/s, ETA ${Math.round(q.etaSeconds ?? 0)} s, peak RSS so far ${(peak / 2 ** 20).toFixed(0)} MB\n`,
      );
    }
  });
  const outcome = await studio.call('awaitJob', { jobId });
  if (outcome.kind !== 'batch.compress' || !outcome.result) throw new Error(`job ${jobId}: no batch summary (${outcome.state})`);
  const s = outcome.result;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  await studio.close();
  const megapixels = s.files.reduce((n, f) => n + ((f.width ?? 0) * (f.height ?? 0)) / 1e6, 0);
  const figures: RunFigures = {
    workers,
    files: s.files.length,
    failed: s.failed.length,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    megapixels,
    seconds,
    filesPerSecond: s.files.length / seconds,
    mbPerSecond: s.bytesIn / 1e6 / seconds,
    mpPerSecond: megapixels / seconds,
    peakRssMb: peak / 2 ** 20,
    // ru_maxrss: the kernel's peak resident set of this process, all threads (KiB on Linux).
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    coresUsed: (cpu.user + cpu.system) / 1e6 / seconds,
    startRssMb: startRss / 2 ** 20,
  };
  if (s.state !== 'done') process.stderr.write(`  job ${s.state}: ${s.error ?? '?'}\n`);
  if (s.failed.length)
    process.stderr.write(
      `  failed: ${s.failed
        .slice(0, 3)
        .map((f) => f.error)
        .join('; ')}\n`,
    );
  process.stdout.write(`RESULT ${JSON.stringify(figures)}\n`);
}

// ---- parent: photos, model, runs -------------------------------------------------------------

function sources(): string[] {
  const large = readdirSync(path.join(DATA, 'D_large_photos'))
    .filter((f) => /\.(png|jpe?g)$/i.test(f))
    .map((f) => path.join(DATA, 'D_large_photos', f));
  const land = readdirSync(path.join(DATA, 'B_landscapes_endless_sky_720x360'))
    .filter((f) => /\.jpe?g$/i.test(f))
    .map((f) => path.join(DATA, 'B_landscapes_endless_sky_720x360', f));
  return [...large, ...land].sort();
}

/** A small deterministic generator, so the same count makes the same photos. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function makePhotos(dir: string, count: number, mpMin: number, mpMax: number): Promise<void> {
  const marker = path.join(dir, '.complete');
  const stamp = `${count} ${mpMin}-${mpMax}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const src = sources();
  const meta = await Promise.all(src.map((f) => sharp(f).metadata()));
  const rand = rng(2000);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const k = i % src.length;
    const m = meta[k]!;
    // 2 to 12 megapixels (or the --megapixels range), landscape or portrait, 3:2 or 4:3.
    const mp = (mpMin + rand() * (mpMax - mpMin)) * 1e6;
    const aspect = rand() < 0.5 ? 1.5 : 4 / 3;
    const portrait = rand() < 0.2;
    let w = Math.round(Math.sqrt(mp * aspect));
    let h = Math.round(mp / w);
    if (portrait) [w, h] = [h, w];
    // A different crop of the source each time (60-100% of it), then scaled to the size.
    const cw = Math.max(16, Math.round(m.width! * (0.6 + 0.4 * rand())));
    const ch = Math.max(16, Math.round(m.height! * (0.6 + 0.4 * rand())));
    const left = Math.floor(rand() * (m.width! - cw + 1));
    const top = Math.floor(rand() * (m.height! - ch + 1));
    const sub = path.join(dir, `set-${String(Math.floor(i / 250)).padStart(2, '0')}`);
    mkdirSync(sub, { recursive: true });
    await sharp(src[k]!)
      .extract({ left, top, width: cw, height: ch })
      .resize(w, h, { fit: 'fill' })
      .modulate({ brightness: 0.9 + 0.2 * rand() })
      .jpeg({ quality: 88 })
      .toFile(path.join(sub, `photo-${String(i).padStart(5, '0')}.jpg`));
    if ((i + 1) % 100 === 0) process.stderr.write(`  made ${i + 1}/${count} photos (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  writeFileSync(marker, stamp);
}

function folderStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else {
        files++;
        bytes += statSync(full).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

async function trainModel(modelsDir: string): Promise<string> {
  const { trainAutoencoder } = await import('../../src-main/core/engine/train.js');
  const { saveModelDir } = await import('../../src-main/core/engine/model-io.js');
  const land = sources().filter((f) => f.includes('landscapes'));
  const t0 = performance.now();
  const trained = await trainAutoencoder(
    {
      name: 'bench batch conv',
      dataset: { id: null, name: null },
      trainFiles: land.slice(0, 40),
      valFiles: [],
      hyper: {
        arch: 'conv',
        downsampling: 8,
        filters: [32, 32, 32],
        codeChannels: 8,
        kernelSize: 5,
        activation: 'relu',
        crop: 64,
        tile: 256,
      },
      channels: 3,
      loss: 'mse',
      epochs: 1,
      batchSize: 16,
      learningRate: 3e-3,
      seed: 1,
      patience: 0,
      cropsPerImage: 4,
    },
    { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} },
  );
  const dir = path.join(modelsDir, 'bench-conv');
  await saveModelDir(dir, trained.encoder, trained.decoder, { ...trained.card, id: 'bench-conv', decoderBytes: 0 });
  trained.encoder.dispose();
  trained.decoder.dispose();
  log(`trained the bench model in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

function runChild(args: string[]): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'scripts', 'bench', 'batch.ts'), '--child', ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as RunFigures);
      else reject(new Error(`bench child exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

/** What `uptime` prints: the load averages over 1, 5 and 15 minutes (other processes on the cores). */
function uptime(): string {
  return `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;
}

async function parent(): Promise<void> {
  const count = Number(values.count);
  const [mpMin, mpMax] = values.megapixels.split('-').map(Number) as [number, number];
  if (!(mpMin > 0 && mpMax >= mpMin)) throw new Error(`--megapixels wants MIN-MAX, e.g. 2-12: ${values.megapixels}`);
  const workerCounts = values.workers.split(',').map((s) => Number(s.trim()));
  const base = path.join(os.tmpdir(), 'latent-studio-bench-batch');
  const photos = path.resolve(
    values.photos ?? path.join(base, values.megapixels === '2-12' ? `photos-${count}` : `photos-${count}-${mpMin}-${mpMax}mp`),
  );
  if (!values.photos) await makePhotos(photos, count, mpMin, mpMax);
  const stats = folderStats(photos);
  log(`photos: ${stats.files} files, ${(stats.bytes / 1e6).toFixed(1)} MB in ${photos}`);

  const home = path.join(base, `home-${process.pid}`);
  const h = ensureHome(studioHome(home));
  const modelDir = values.model ? path.resolve(values.model) : await trainModel(h.modelsDir);
  const card = await readCard(modelDir);
  const { loadModel } = await import('../../src-main/core/engine/model-io.js');
  const loaded = await loadModel(modelDir);
  const catalog = openCatalog(h.catalogFile);
  const modelId = card.id;
  catalog.models.add({
    id: modelId,
    name: 'bench',
    datasetId: null,
    arch: card.arch,
    dir: modelDir,
    weightsHash: loaded.weightsHash,
    card: loaded.card as unknown as Record<string, unknown>,
  });
  catalog.close();
  loaded.dispose();
  const hy = card.hyper as { arch: string; filters?: number[]; codeChannels?: number; downsampling?: number };
  log(
    `model ${modelId}: ${hy.arch}, filters ${hy.filters?.join('-') ?? '-'}, ${hy.codeChannels ?? '?'} code channels, downsampling ${hy.downsampling ?? '?'}`,
  );
  log(
    `machine: ${os.availableParallelism()} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log('');

  const results: RunFigures[] = [];
  for (const n of workerCounts) {
    const out = path.join(base, `out-${process.pid}-${n}`);
    rmSync(out, { recursive: true, force: true });
    log(`compressing with ${n} worker(s)... (${uptime()})`);
    const r = await runChild([
      '--home',
      home,
      '--model-id',
      modelId,
      '--photos',
      photos,
      '--out',
      out,
      '--n',
      String(n),
      '--quality',
      values.quality,
    ]);
    results.push(r);
    log(`  done (${uptime()})`);
    log(
      `  ${r.files} files (${r.failed} failed), ${(r.bytesIn / 1e6).toFixed(1)} MB -> ${(r.bytesOut / 1e6).toFixed(2)} MB in ${r.seconds.toFixed(1)} s`,
    );
    if (!values.keep) rmSync(out, { recursive: true, force: true });
  }
  log('');
  log(
    '| workers | files | files/s | MB/s | MP/s | peak RSS (sampled) | peak RSS (ru_maxrss) | RSS at start | CPU s/file | cores used | speed-up |',
  );
  log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const one = results.find((r) => r.workers === 1);
  for (const r of results) {
    const up = one ? `${(r.filesPerSecond / one.filesPerSecond).toFixed(2)}x` : '-';
    log(
      `| ${r.workers} | ${r.files} | ${r.filesPerSecond.toFixed(3)} | ${r.mbPerSecond.toFixed(2)} | ${r.mpPerSecond.toFixed(2)} | ${r.peakRssMb.toFixed(0)} MB | ${r.maxRssMb.toFixed(0)} MB | ${r.startRssMb.toFixed(0)} MB | ${(r.cpuSeconds / Math.max(1, r.files)).toFixed(2)} | ${r.coresUsed.toFixed(2)} | ${up} |`,
    );
  }
  log(
    `load average after: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (!values.keep) rmSync(home, { recursive: true, force: true });
}

/** The queue's own benchmark, with the remaining arguments. */
function queueBench(): Promise<void> {
  const rest = process.argv.slice(2).filter((a) => a !== '--queue');
  const run = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.js'), path.join(ROOT, 'scripts/bench/batch-queue.ts'), ...rest], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => run.on('exit', (code) => ((process.exitCode = code ?? 1), resolve())));
}

await (QUEUE ? queueBench() : values.child ? child() : parent());
