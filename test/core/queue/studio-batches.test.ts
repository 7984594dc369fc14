// A studio sends a batch to the queue through the contract (startQueueBatch, the Batch view's
// "Run on workers"): the queue comes from the settings, a real redis-server and one
// `latent-studio worker` process do the files, the progress and end arrive as the studio's
// events, and the outputs are byte for byte those of a local batch of the same files. The job is
// the generic runner's: cancelJob and the studio closing stop it (its waiting files leave the
// queue), and the same request continues it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchFinished, BatchProgress } from '../../../src-main/core/api.js';
import { QUEUE_NAME, QUEUE_PREFIX, queueJobData } from '../../../src-main/core/queue/job-data.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { haveRedis, RedisServer } from './redis-server.js';
import { WorkerProcess } from './worker-process.js';
import { jobResult } from '../../helpers/jobs.js';

const PASSWORD = 'pw-studio-batches-never-shown';
const DIGITS = path.resolve(import.meta.dirname, '../../fixtures/digits');

describe.skipIf(!haveRedis)('startQueueBatch', () => {
  let tmp: ReturnType<typeof makeTmpDir>;
  let redis: RedisServer;
  let worker: WorkerProcess;
  let studio: Studio;
  let inputs: string;
  const events: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    tmp = makeTmpDir('ls-studio-queue-');
    inputs = path.join(tmp.dir, 'shared', 'in');
    mkdirSync(inputs, { recursive: true });
    for (const f of readdirSync(DIGITS)
      .filter((n) => n.endsWith('.png'))
      .sort()
      .slice(0, 12))
      writeFileSync(path.join(inputs, f), readFileSync(path.join(DIGITS, f)));
    mkdirSync(path.join(tmp.dir, 'redis'));
    redis = await RedisServer.start(path.join(tmp.dir, 'redis'), PASSWORD);
    worker = await WorkerProcess.start(redis.url, path.join(tmp.dir, 'worker-home'), [path.join(tmp.dir, 'shared')]);
    studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
    studio.on((name, payload) => events.push({ name, payload }));
  }, 60_000);

  afterAll(async () => {
    await studio?.close();
    await worker?.stop('SIGKILL');
    await redis?.stop();
    tmp?.cleanup();
  });

  it('without a queue in the settings: one line saying to save one', async () => {
    await expect(
      studio.call('startQueueBatch', { kind: 'compress', inputs: [inputs], outDir: path.join(tmp.dir, 'x'), modelId: 'base-small' }),
    ).rejects.toThrow('no queue is configured: save its address (redis://HOST:PORT) in the settings first');
    await expect(
      studio.call('startQueueBatch', {
        kind: 'compress',
        inputs: [inputs],
        outDir: path.join(tmp.dir, 'x'),
        modelId: 'base-small',
        workers: 2,
      }),
    ).rejects.toThrow('on the queue each latent-studio worker has its own --concurrency');
  });

  it('runs on the worker process: events from all workers, the local summary, outputs identical to a local batch', async () => {
    await studio.call('updateSettings', { queueUrl: redis.url });
    const localOut = path.join(tmp.dir, 'local-out');
    const local = await studio.call('startBatch', {
      kind: 'compress',
      inputs: [inputs],
      outDir: localOut,
      modelId: 'base-small',
      workers: 1,
    });
    await jobResult(studio, 'batch.compress', local.jobId);

    const out = path.join(tmp.dir, 'shared', 'out');
    const started = await studio.call('startQueueBatch', { kind: 'compress', inputs: [inputs], outDir: out, modelId: 'base-small' });
    expect(started).toMatchObject({ kind: 'compress', state: 'running', resumed: false });
    // A batch on the workers cannot pause, and resuming it does not run it here as well.
    await expect(studio.call('pauseJob', { jobId: started.jobId })).rejects.toThrow("runs on the queue's workers, which do not pause");
    expect(await studio.call('resumeJob', { jobId: started.jobId })).toEqual({
      jobId: started.jobId,
      kind: 'batch.compress',
      state: 'running',
    });
    const summary = await jobResult(studio, 'batch.compress', started.jobId);
    expect(summary).toMatchObject({ state: 'done', total: 12, done: 12, failed: [], skipped: [], workers: 1 });
    expect(summary.files).toHaveLength(12);

    const files = readdirSync(localOut).sort();
    expect(files).toHaveLength(12);
    expect(readdirSync(out).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(out, f)).equals(readFileSync(path.join(localOut, f))), f).toBe(true);

    const mine = <T>(name: 'jobProgress' | 'jobFinished') =>
      events.flatMap((e) => {
        const ev = e.payload as { jobId: number; kind: string; payload: T };
        return e.name === name && ev.kind === 'batch.compress' && ev.jobId === started.jobId ? [ev.payload] : [];
      });
    const progress = mine<BatchProgress>('jobProgress');
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12, written: 12, workers: 1 });
    expect(mine<BatchFinished>('jobFinished')).toEqual([expect.objectContaining({ state: 'done', written: 12, total: 12 })]);
    // The job is this studio's, listed like a local batch.
    const { jobs } = await studio.call('listJobs', { jobId: started.jobId });
    expect(jobs[0]).toMatchObject({ kind: 'batch.compress', state: 'done', done: 12 });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  }, 60_000);

  it('cancelJob takes the waiting files off the queue; the same request continues the job', async () => {
    await worker.stop('SIGTERM');
    const out = path.join(tmp.dir, 'shared', 'out-cancel');
    const req = { kind: 'compress' as const, inputs: [inputs], outDir: out, modelId: 'base-small' };
    const started = await studio.call('startQueueBatch', req);
    // No worker runs: nothing can finish before the cancel.
    expect(await studio.call('cancelJob', { jobId: started.jobId })).toMatchObject({ cancelled: true });
    const stopped = await jobResult(studio, 'batch.compress', started.jobId);
    expect(stopped).toMatchObject({ state: 'cancelled', done: 0 });
    worker = await WorkerProcess.start(redis.url, path.join(tmp.dir, 'worker-home'), [path.join(tmp.dir, 'shared')]);
    const again = await studio.call('startQueueBatch', req);
    expect(again).toMatchObject({ jobId: started.jobId, resumed: true });
    expect(await jobResult(studio, 'batch.compress', started.jobId)).toMatchObject({ state: 'done', done: 12, failed: [] });
    expect(readdirSync(out)).toHaveLength(12);
  }, 60_000);

  it('the studio closing interrupts the job and takes its files off the queue; the same request continues it in the next studio', async () => {
    await worker.stop('SIGTERM');
    const home = path.join(tmp.dir, 'home-closed');
    const out = path.join(tmp.dir, 'shared', 'out-closed');
    const req = { kind: 'compress' as const, inputs: [inputs], outDir: out, modelId: 'base-small' };
    const first = new Studio({ homeDir: home, host: 'test' });
    await first.call('updateSettings', { queueUrl: redis.url });
    const finished: BatchFinished[] = [];
    first.on('jobFinished', (e) => void finished.push(e.payload as BatchFinished));
    const started = await first.call('startQueueBatch', req);
    // No worker runs: nothing can finish before the close, which waits for the submission to stop.
    await first.close();
    expect(finished).toEqual([expect.objectContaining({ jobId: started.jobId, state: 'interrupted', done: 0 })]);
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection: conn, prefix: QUEUE_PREFIX });
    try {
      const left = (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).filter(
        (j) => queueJobData.safeParse(j.data).data?.outDir === out,
      );
      expect(left).toEqual([]);
    } finally {
      await queue.close();
      conn.disconnect();
    }

    worker = await WorkerProcess.start(redis.url, path.join(tmp.dir, 'worker-home'), [path.join(tmp.dir, 'shared')]);
    const second = new Studio({ homeDir: home, host: 'test' });
    try {
      const { jobs } = await second.call('listJobs', { jobId: started.jobId });
      expect(jobs[0]).toMatchObject({ kind: 'batch.compress', state: 'interrupted' });
      expect(await second.call('startQueueBatch', req)).toMatchObject({ jobId: started.jobId, resumed: true, state: 'running' });
      expect(await jobResult(second, 'batch.compress', started.jobId)).toMatchObject({ state: 'done', done: 12, failed: [], workers: 1 });
      expect(readdirSync(out)).toHaveLength(12);
    } finally {
      await second.close();
    }
  }, 60_000);
});
