// resumeJob, cancelJob and pauseJob take a job of any kind and reach the runner that owns it
// (registry/job-kinds.ts): training, import, evaluation, code-size sweep and batch, each for real on the
// digits fixtures; a kind that cannot pause says so; the studio start runs queued jobs of any kind
// and leaves interrupted ones for the user.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { IMPORT_JOB_KIND } from '../../../src-main/core/catalog/import/job-input.js';
import { restoreQueuedJobs } from '../../../src-main/core/registry/job-kinds.js';
import { EVAL_JOB_KIND, resolveEvalRequest } from '../../../src-main/core/metrics/eval-jobs.js';
import { Studio } from '../../../src-main/core/studio.js';
import { FIXTURES, fixtureFiles } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { collectJobEvents, jobResult, onJobProgress } from '../../helpers/jobs.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
const digits = path.join(FIXTURES, 'digits');
const until = async (ok: () => boolean, what: string, everyMs = 10) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

beforeAll(async () => {
  tmp = makeTmpDir('ls-job-kinds-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  const { jobId } = await studio.call('importPaths', { paths: [digits], dataset: 'digits' });
  await jobResult(studio, 'import', jobId);
}, 60_000);

afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

const stateOf = async (jobId: number) => (await studio.call('listJobs', { jobId })).jobs[0]!.state;

describe('one set of job methods for every kind', () => {
  it('training: pauseJob holds it, resumeJob continues it, cancelJob ends it and removes its checkpoint', async () => {
    const epochs: number[] = [];
    let batches = 0;
    let jobId = 0;
    onJobProgress(studio, 'train', (q, id) => {
      if (id !== jobId) return;
      if (q.kind === 'epoch') epochs.push(q.epoch);
      if (q.kind === 'batch') batches++;
    });
    jobId = (await studio.call('trainModel', { dataset: 'digits', epochs: 300, batchSize: 8, seed: 2 })).jobId;
    expect((await studio.call('listJobs', { jobId })).jobs[0]).toMatchObject({ kind: 'train', total: 300 });
    await until(() => epochs.length >= 1, 'the first epoch');
    const checkpoint = path.join(studio.home.tmpDir, `train-job-${jobId}`, 'checkpoint.bin');
    expect(existsSync(checkpoint)).toBe(true);

    // pauseJob answers once the worker has stopped at its checkpoint (the batch in flight done).
    expect(await studio.call('pauseJob', { jobId })).toEqual({ jobId, state: 'paused' });
    expect(await stateOf(jobId)).toBe('paused');
    const held = batches;

    expect(await studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'train', state: 'running' });
    // The worker's events keep their order: a batch trained while paused would have come before its 'resumed'.
    expect(batches).toBe(held);
    expect(await stateOf(jobId)).toBe('running');
    const heldEpochs = epochs.length;
    await until(() => epochs.length > heldEpochs, 'an epoch after resume');
    expect((await studio.call('listJobs', { jobId })).jobs[0]!.done).toBeGreaterThanOrEqual(1);

    expect(await studio.call('cancelJob', { jobId })).toMatchObject({ jobId, cancelled: true });
    await expect(jobResult(studio, 'train', jobId)).rejects.toMatchObject({ code: 'cancelled' });
    expect(await stateOf(jobId)).toBe('cancelled');
    expect(existsSync(path.dirname(checkpoint))).toBe(false);
  }, 60_000);

  it('import: resumeJob runs a stopped import, cancelJob reaches it, pauseJob says it cannot', async () => {
    const catalog = getCatalog(studio.context);
    const ds = catalog.datasets.ensure('again');
    const job = catalog.jobs.create({ kind: IMPORT_JOB_KIND, input: { datasetId: ds.id, dataset: ds.name, paths: [digits] } });
    catalog.jobs.finish(job.id, 'interrupted', { error: 'the process running it stopped' });
    await expect(studio.call('pauseJob', { jobId: job.id })).rejects.toMatchObject({
      code: 'unsupported',
      message: expect.stringContaining(`job ${job.id}: import jobs cannot be paused`),
    });
    expect(await studio.call('resumeJob', { jobId: job.id })).toEqual({ jobId: job.id, kind: 'import', state: 'running' });
    expect(await jobResult(studio, 'import', job.id)).toMatchObject({ state: 'done', total: fixtureFiles('digits').length });
    expect(await studio.call('cancelJob', { jobId: job.id })).toEqual({ jobId: job.id, cancelled: false, state: 'done' });
  });

  it('evaluation: resumeJob runs it, cancelJob of an interrupted one records the cancel', async () => {
    const catalog = getCatalog(studio.context);
    const input = await resolveEvalRequest(catalog, {
      paths: fixtureFiles('digits').slice(0, 3),
      codecs: ['jpeg'],
      classicalQualities: { jpeg: [30, 80] },
    });
    const make = () => catalog.jobs.create({ kind: EVAL_JOB_KIND, input, total: input.images.length });
    const a = make();
    catalog.jobs.finish(a.id, 'interrupted', { error: 'the process running it stopped' });
    expect(await studio.call('resumeJob', { jobId: a.id })).toEqual({ jobId: a.id, kind: 'eval', state: 'running' });
    expect(await jobResult(studio, 'eval', a.id)).toMatchObject({ images: 3 });
    await expect(studio.call('pauseJob', { jobId: a.id })).rejects.toThrow('evaluation jobs cannot be paused');

    const b = make();
    catalog.jobs.finish(b.id, 'interrupted', { error: 'the process running it stopped' });
    expect(await studio.call('cancelJob', { jobId: b.id })).toEqual({ jobId: b.id, cancelled: true, state: 'cancelled' });
    expect((await studio.call('listJobs', { jobId: b.id })).jobs[0]).toMatchObject({ state: 'cancelled', resumable: true });
  });

  it('code-size sweep and batch: cancelJob stops a sweep, resumeJob skips its finished code size; batch jobs pause and resume', async () => {
    const { events, off } = collectJobEvents(studio, 'eval.codesize', 'progress');
    const { jobId } = await studio.call('sweepCodeSizes', {
      dataset: 'digits',
      codeSizes: [4, 8],
      train: { epochs: 40, seed: 5, layers: [64] },
      codecs: ['jpeg'],
      qualities: [20, 80],
      classicalQualities: { jpeg: [30, 80] },
      maxImages: 3,
    });
    await until(() => events.some((e) => e.jobId === jobId && e.index === 1 && e.phase === 'train'), 'the second code size');
    const first = events.find((e) => e.index === 0 && e.phase === 'done');
    expect(first).toBeDefined();
    expect(await studio.call('cancelJob', { jobId })).toMatchObject({ jobId, cancelled: true });
    await expect(jobResult(studio, 'eval.codesize', jobId)).rejects.toMatchObject({ code: 'cancelled' });
    const firstModel = getCatalog(studio.context).jobs.items(jobId, 'done')[0];
    expect(firstModel?.key).toBe('code 4');
    await expect(studio.call('pauseJob', { jobId })).rejects.toMatchObject({ code: 'unsupported' });

    events.length = 0;
    expect(await studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'eval.codesize', state: 'running' });
    const r = await jobResult(studio, 'eval.codesize', jobId);
    off();
    // Code size 4 was not trained again: only code size 8 went through training.
    expect(events.filter((e) => e.phase === 'train').map((e) => e.codeSize)).toEqual([8]);
    expect(r.rows.map((row) => row.codeSize)).toEqual([4, 8]);
    expect(r.rows[0]!.model).toBe((firstModel!.data as { row: { model: string } }).row.model);
    expect(r.rows.every((row) => row.model && !row.error)).toBe(true);
    expect(Object.keys(r.curves).sort()).toEqual(['jpeg', 'latent-4', 'latent-8']);
    expect(await studio.call('listJobs', { jobId })).toMatchObject({ jobs: [{ state: 'done', done: 2, total: 2 }] });

    // Batch: the second job waits behind the first, so pausing and resuming it is not a race.
    const request = { kind: 'compress' as const, inputs: fixtureFiles('digits').slice(0, 20), modelId: r.rows[1]!.model! };
    const one = await studio.call('startBatch', { ...request, outDir: path.join(tmp.dir, 'out-1') });
    const two = await studio.call('startBatch', { ...request, outDir: path.join(tmp.dir, 'out-2') });
    expect(two.state).toBe('queued');
    expect(await studio.call('pauseJob', { jobId: two.jobId })).toEqual({ jobId: two.jobId, state: 'paused' });
    expect(await studio.call('resumeJob', { jobId: two.jobId })).toMatchObject({ jobId: two.jobId, kind: 'batch.compress' });
    await jobResult(studio, 'batch.compress', one.jobId);
    const summary = await jobResult(studio, 'batch.compress', two.jobId);
    expect(summary).toMatchObject({ state: 'done', total: 20, done: 20 });
    expect(summary.files).toHaveLength(20);
    expect(readdirSync(path.join(tmp.dir, 'out-2')).filter((n) => n.endsWith('.latent'))).toHaveLength(20);
  }, 180_000);

  it('a kind this studio does not know gets a clear error from every method', async () => {
    const job = getCatalog(studio.context).jobs.create({ kind: 'mystery', input: {} });
    for (const method of ['resumeJob', 'cancelJob', 'pauseJob'] as const) {
      await expect(studio.call(method, { jobId: job.id })).rejects.toMatchObject({
        code: 'unsupported',
        message: `job ${job.id}: this studio does not know mystery jobs`,
      });
    }
    getCatalog(studio.context).jobs.finish(job.id, 'failed', { error: 'test' });
  });

  it('studio start runs queued jobs of any kind and leaves interrupted ones for resumeJob', async () => {
    const catalog = getCatalog(studio.context);
    const ds = catalog.datasets.ensure('restored');
    const input = { datasetId: ds.id, dataset: ds.name, paths: [digits] };
    const queued = catalog.jobs.create({ kind: IMPORT_JOB_KIND, input });
    const interrupted = catalog.jobs.create({ kind: IMPORT_JOB_KIND, input });
    catalog.jobs.finish(interrupted.id, 'interrupted', { error: 'the process running it stopped' });
    expect(await restoreQueuedJobs(studio.context)).toEqual([queued.id]);
    expect(await jobResult(studio, 'import', queued.id)).toMatchObject({ state: 'done' });
    expect(await stateOf(interrupted.id)).toBe('interrupted');
  });
});
