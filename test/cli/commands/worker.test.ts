// Batches on a Redis queue with `latent-studio worker` processes: a real redis-server (with a
// password), 2 and then 3 worker processes on 200 shared images, the outputs byte for byte those
// of a local batch; Redis stopped and started again mid-batch, a worker killed (-9) mid-batch, and
// jobs every worker refuses, which fail after 3 tries while the batch completes.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { QUEUE_NAME, QUEUE_PREFIX, queueJobData } from '../../../src-main/core/queue/job-data.js';
import { haveRedis, RedisServer } from '../../core/queue/redis-server.js';
import { WorkerProcess } from '../../core/queue/worker-process.js';
import { sink } from '../../helpers/text-sink.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const PASSWORD = 'pw-Qx7-never-printed';
const DIGITS = path.resolve(import.meta.dirname, '../../fixtures/digits');

let tmp: ReturnType<typeof makeTmpDir>;
let redis: RedisServer;
let shared: string;
let inputs: string;
let localOut: string;
const workers: WorkerProcess[] = [];

interface Doc {
  files: { input: string; output: string }[];
  failed: { path: string; error: string }[];
  summary: { total: number; written: number; skipped: number; failed: number; workers: number };
}

/** The CLI in this process, its output readable while it runs. */
function cli(home: string, ...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const done = main(['--home', home, ...argv], { stdout, stderr, env: {} });
  return { done, stdout, stderr };
}

/** Every file under dir (hidden ones too), relative, sorted. */
function tree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...tree(dir, r));
    else out.push(r);
  }
  return out.sort();
}

async function until(what: string, test: () => boolean | Promise<boolean>, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function outputsIn(dir: string): number {
  try {
    return tree(dir).filter((f) => f.endsWith('.latent')).length;
  } catch {
    return 0;
  }
}

function expectSameAsLocal(out: string): void {
  const files = tree(localOut);
  expect(files).toHaveLength(200);
  // No temporary left beside the outputs, and nothing but the outputs.
  expect(tree(out)).toEqual(files);
  for (const f of files) expect(readFileSync(path.join(out, f)).equals(readFileSync(path.join(localOut, f))), f).toBe(true);
}

function expectEachOnce(doc: Doc): void {
  expect(doc.failed).toEqual([]);
  expect(doc.summary).toMatchObject({ total: 200, written: 200, skipped: 0, failed: 0 });
  expect(new Set(doc.files.map((f) => f.input)).size).toBe(200);
}

const lines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;

describe.skipIf(!haveRedis)('batches on a Redis queue with worker processes', () => {
  beforeAll(async () => {
    tmp = makeTmpDir('ls-queue-');
    shared = path.join(tmp.dir, 'shared');
    inputs = path.join(shared, 'in');
    // 200 small gray images: the 160 committed digits in two folders, and 40 of them mirrored.
    const digits = readdirSync(DIGITS)
      .filter((f) => f.endsWith('.png'))
      .sort();
    for (const [k, f] of digits.entries()) {
      const dir = path.join(inputs, k % 2 ? 'odd' : 'even');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, f), readFileSync(path.join(DIGITS, f)));
    }
    mkdirSync(path.join(inputs, 'mirrored'), { recursive: true });
    for (const f of digits.slice(0, 40))
      await sharp(path.join(DIGITS, f))
        .flop()
        .png()
        .toFile(path.join(inputs, 'mirrored', f));
    mkdirSync(path.join(tmp.dir, 'redis'));
    redis = await RedisServer.start(path.join(tmp.dir, 'redis'), PASSWORD);
    localOut = path.join(tmp.dir, 'local-out');
    const local = cli(
      path.join(tmp.dir, 'home-local'),
      '--json',
      'compress',
      '--model',
      'base-small',
      inputs,
      '--out',
      localOut,
      '--workers',
      '2',
    );
    expect(await local.done).toBe(0);
    for (let k = 0; k < 2; k++) workers.push(await WorkerProcess.start(redis.url, path.join(tmp.dir, `worker-home-${k}`), [shared]));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
    tmp?.cleanup();
  });

  it('2 workers: outputs identical to a local batch; Redis stopped mid-batch is reported in one line and waited for', async () => {
    const out = path.join(shared, 'out-2');
    const run = cli(path.join(tmp.dir, 'home'), '--json', 'compress', '--model', 'base-small', inputs, '--out', out, '--queue', redis.url);
    await until('40 outputs', () => outputsIn(out) >= 40);
    await redis.stop(true);
    await until('the submitter to notice', () => run.stderr.text().includes('unreachable'));
    await until('both workers to notice', () => workers.every((w) => w.stderr.includes('unreachable')));
    await redis.launch();
    expect(await run.done).toBe(0);
    const doc = JSON.parse(run.stdout.text()) as Doc;
    expectEachOnce(doc);
    expect(doc.summary.workers).toBe(2);
    expectSameAsLocal(out);
    expect(lines(run.stderr.text(), /unreachable/)).toBe(1);
    for (const w of workers) expect(lines(w.stderr, /unreachable/)).toBe(1);
    expect(run.stderr.text()).toMatch(/queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ unreachable/);
    for (const text of [run.stdout.text(), run.stderr.text(), ...workers.map((w) => w.stderr)]) expect(text).not.toContain(PASSWORD);
  }, 90_000);

  it('decompress on the workers: the model travels with the jobs; images identical to a local decompress', async () => {
    const localBack = path.join(tmp.dir, 'local-back');
    const local = cli(path.join(tmp.dir, 'home-local'), '--json', 'decompress', localOut, '--out', localBack, '--workers', '2');
    expect(await local.done).toBe(0);
    const back = path.join(shared, 'back');
    const run = cli(path.join(tmp.dir, 'home'), '--json', 'decompress', path.join(shared, 'out-2'), '--out', back, '--queue', redis.url);
    expect(await run.done).toBe(0);
    const doc = JSON.parse(run.stdout.text()) as Doc;
    expect(doc.summary).toMatchObject({ total: 200, written: 200, failed: 0 });
    const files = tree(localBack);
    expect(files).toHaveLength(200);
    expect(tree(back)).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(back, f)).equals(readFileSync(path.join(localBack, f))), f).toBe(true);
    // Each worker fetched the model into its own home once, under its weights hash.
    for (let k = 0; k < 2; k++) expect(readdirSync(path.join(tmp.dir, `worker-home-${k}`, 'cache', 'queue-models'))).toHaveLength(1);
  }, 60_000);

  it('3 workers, one killed (-9) mid-batch: its file goes to another, no partial file stays, each file counted once', async () => {
    workers.push(await WorkerProcess.start(redis.url, path.join(tmp.dir, 'worker-home-2'), [shared]));
    const out = path.join(shared, 'out-3');
    const run = cli(path.join(tmp.dir, 'home'), '--json', 'compress', '--model', 'base-small', inputs, '--out', out, '--queue', redis.url);
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection: conn, prefix: QUEUE_PREFIX });
    try {
      await until('30 outputs', () => outputsIn(out) >= 30);
      // The victim holds a job of this batch right now (a worker takes its next job as it finishes one).
      let victim: WorkerProcess | undefined;
      await until('a worker holding a job', async () => {
        const held = new Set((await queue.getJobs(['active'])).map((j) => j.processedBy));
        victim = workers.find((w) => [...held].some((name) => name?.endsWith(`:${w.pid}`)));
        return victim !== undefined;
      });
      await victim!.stop('SIGKILL');
      expect(await run.done).toBe(0);
      const doc = JSON.parse(run.stdout.text()) as Doc;
      expectEachOnce(doc);
      expectSameAsLocal(out);
      const mine = (await queue.getJobs(['completed'], 0, -1)).filter((j) => queueJobData.safeParse(j.data).data?.outDir === out);
      expect(mine).toHaveLength(200);
      // The killed worker's job went back to the queue and was done by another.
      expect(mine.some((j) => j.stalledCounter > 0 && j.attemptsStarted > 1 && !j.processedBy?.endsWith(`:${victim!.pid}`))).toBe(true);
    } finally {
      await queue.close();
      conn.disconnect();
    }
  }, 90_000);

  it('the submitter killed (-9) mid-batch: the same command continues its job, each file counted once', async () => {
    const out = path.join(shared, 'out-resumed');
    const home = path.join(tmp.dir, 'home-resume');
    const bin = path.resolve(import.meta.dirname, '../../../bin/latent-studio.js');
    const first = spawn(
      process.execPath,
      [bin, '--home', home, '--json', 'compress', '--model', 'base-small', inputs, '--out', out, '--queue', redis.url],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => first.once('exit', resolve));
    await until('40 outputs', () => outputsIn(out) >= 40);
    first.kill('SIGKILL');
    await exited;
    const run = cli(home, '--json', 'compress', '--model', 'base-small', inputs, '--out', out, '--queue', redis.url);
    expect(await run.done).toBe(0);
    const doc = JSON.parse(run.stdout.text()) as Doc & { resumed: boolean; job: number };
    expect(doc).toMatchObject({ resumed: true, job: 1 });
    expectEachOnce(doc);
    expectSameAsLocal(out);
  }, 60_000);

  it('a job every worker refuses (its input lies outside their roots) fails after 3 tries with its reason; the batch completes', async () => {
    const outside = path.join(tmp.dir, 'private');
    mkdirSync(outside);
    const digits = readdirSync(DIGITS)
      .filter((f) => f.endsWith('.png'))
      .slice(0, 2);
    for (const f of digits) writeFileSync(path.join(outside, f), readFileSync(path.join(DIGITS, f)));
    const out = path.join(shared, 'out-private');
    const run = cli(path.join(tmp.dir, 'home'), '--json', 'compress', '--model', 'base-small', outside, '--out', out, '--queue', redis.url);
    expect(await run.done).toBe(2);
    const doc = JSON.parse(run.stdout.text()) as Doc;
    expect(doc.summary).toMatchObject({ total: 2, written: 0, failed: 2 });
    expect(doc.failed.map((f) => f.path).sort()).toEqual(digits.map((f) => path.join(outside, f)));
    for (const f of doc.failed) {
      expect(f.error).toBe(`${f.path}: this worker refuses the input: it lies outside its roots (${shared}; see --root)`);
    }
    expect(tree(out)).toEqual([]);
  }, 60_000);
});
