// npm run bench:batch -- --queue (or node bin/run-ts.js scripts/bench/batch-queue.ts): a batch on
// a Redis queue with 1, 2 and 3 `latent-studio worker` processes (one coding thread each), beside
// the same batch run locally with one worker thread. Prints files/s (wall clock and per CPU-second
// of all the processes involved) and the queue's overhead per file: the time a worker spends on a
// job outside its coding thread (fetching, locking, reporting), from BullMQ's job timestamps and
// the coding time each result carries.
//
//   node bin/run-ts.js scripts/bench/batch-queue.ts [--count 400] [--size 64] [--workers 1,2,3] [--model base-small]
//
// --count  gray images made from the committed digits (test/fixtures/digits), --size px square.
// Each measured batch follows a warm-up batch (the workers fetch the model and start tfjs), so the
// figures are the steady state. A redis-server (/usr/bin/redis-server) is started on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { main } from '../../src-main/cli/main.js';
import { QUEUE_NAME, QUEUE_PREFIX, queueJobData, queueResult } from '../../src-main/core/queue/job-data.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'latent-studio.js');
const { values } = parseArgs({
  options: {
    queue: { type: 'boolean', default: true },
    count: { type: 'string', default: '400' },
    size: { type: 'string', default: '64' },
    workers: { type: 'string', default: '1,2,3' },
    model: { type: 'string', default: 'base-small' },
  },
});
const count = Number(values.count);
const size = Number(values.size);
const log = (line = '') => process.stdout.write(`${line}\n`);
const uptime = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** user + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function waitFor(proc: ChildProcess, stream: 'stdout' | 'stderr', text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    proc[stream]!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes(text)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`exited (${code}): ${seen.slice(-400)}`)));
  });
}

async function cli(home: string, ...argv: string[]): Promise<{ files: number; failed: number }> {
  let out = '';
  const stdout = new (await import('node:stream')).Writable({
    write(c: Buffer, _e, cb) {
      out += c.toString();
      cb();
    },
  });
  const code = await main(['--home', home, '--json', ...argv], { stdout, stderr: process.stderr, env: {} });
  if (code !== 0) throw new Error(`latent-studio ${argv[0]} exited ${code}`);
  const doc = JSON.parse(out) as { summary: { written: number; failed: number } };
  return { files: doc.summary.written, failed: doc.summary.failed };
}

async function makeImages(dir: string, n: number, from: string[], offset: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const src = from[(i + offset) % from.length]!;
    await sharp(src)
      .resize(size, size)
      .png()
      .toFile(path.join(dir, `img-${String(i).padStart(5, '0')}.png`));
  }
}

const tmp = path.join(os.tmpdir(), `latent-studio-bench-queue-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
const digitsDir = path.join(ROOT, 'test', 'fixtures', 'digits');
const digits = readdirSync(digitsDir)
  .filter((f) => f.endsWith('.png'))
  .sort()
  .map((f) => path.join(digitsDir, f));
const shared = path.join(tmp, 'shared');
const warmSize = 24;
await makeImages(path.join(shared, 'in'), count, digits, 0);
await makeImages(path.join(shared, 'warm'), warmSize, digits, 7);
const port = await freePort();
const redis = spawn(
  '/usr/bin/redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp],
  {
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
await waitFor(redis, 'stdout', 'Ready to accept connections');
const url = `redis://127.0.0.1:${port}`;
const home = path.join(tmp, 'home');

log(`batch on a queue: ${count} gray images of ${size}x${size}, model ${values.model}, ${os.availableParallelism()} cores`);
log(`load average before: ${uptime()}`);
{
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await cli(
    home,
    'compress',
    '--model',
    values.model,
    path.join(shared, 'in'),
    '--out',
    path.join(tmp, 'local-out'),
    '--workers',
    '1',
  );
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1e6;
  log(
    `local batch, 1 worker thread: ${(r.files / wall).toFixed(1)} files/s (${wall.toFixed(1)} s wall, ${(r.files / cpu).toFixed(1)} files per CPU-second)`,
  );
}

const conn = new Redis(url, { maxRetriesPerRequest: null });
const queue = new Queue(QUEUE_NAME, { connection: conn, prefix: QUEUE_PREFIX });
for (const w of values.workers.split(',').map(Number)) {
  const procs: ChildProcess[] = [];
  for (let k = 0; k < w; k++) {
    const p = spawn(
      process.execPath,
      [BIN, '--home', path.join(tmp, `wh-${w}-${k}`), 'worker', '--queue', url, '--concurrency', '1', '--root', tmp],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await waitFor(p, 'stderr', 'taking jobs from');
    procs.push(p);
  }
  // Warm-up: every worker fetches the model and starts tfjs before the measured batch.
  await cli(home, 'compress', '--model', values.model, path.join(shared, 'warm'), '--out', path.join(tmp, `warm-${w}`), '--queue', url);
  const out = path.join(tmp, `queue-out-${w}`);
  const cpu0 = procs.reduce((s, p) => s + cpuSeconds(p.pid!), 0);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await cli(home, 'compress', '--model', values.model, path.join(shared, 'in'), '--out', out, '--queue', url);
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const cpu = procs.reduce((s, p) => s + cpuSeconds(p.pid!), 0) - cpu0 + (cu.user + cu.system) / 1e6;
  // Per worker: the span from its first job's start to its last job's end, less its coding time.
  const jobs = (await queue.getJobs(['completed'], 0, -1)).filter((j) => queueJobData.safeParse(j.data).data?.outDir === out);
  const byWorker = new Map<string, { first: number; last: number; ms: number; n: number }>();
  for (const j of jobs) {
    const res = queueResult.safeParse(j.returnvalue);
    if (!res.success || !j.processedOn || !j.finishedOn) continue;
    const s = byWorker.get(res.data.worker) ?? { first: Infinity, last: 0, ms: 0, n: 0 };
    s.first = Math.min(s.first, j.processedOn);
    s.last = Math.max(s.last, j.finishedOn);
    s.ms += res.data.ms;
    s.n++;
    byWorker.set(res.data.worker, s);
  }
  const spans = [...byWorker.values()];
  const overhead =
    spans.reduce((s, v) => s + (v.last - v.first - v.ms), 0) /
    Math.max(
      1,
      spans.reduce((s, v) => s + v.n, 0),
    );
  const coding =
    spans.reduce((s, v) => s + v.ms, 0) /
    Math.max(
      1,
      spans.reduce((s, v) => s + v.n, 0),
    );
  log(
    `queue, ${w} worker process(es): ${(r.files / wall).toFixed(1)} files/s (${wall.toFixed(1)} s wall, ${(r.files / cpu).toFixed(1)} files per CPU-second of workers and submitter, ${r.failed} failed); ` +
      `per file ${coding.toFixed(1)} ms coding, ${overhead.toFixed(1)} ms queue overhead`,
  );
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => new Promise((res) => (p.exitCode !== null ? res(null) : p.once('exit', res)))));
}
log(`load average after: ${uptime()}`);
await queue.close();
conn.disconnect();
redis.kill('SIGTERM');
rmSync(tmp, { recursive: true, force: true });
