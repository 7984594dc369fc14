import { describe, expect, test } from 'vitest';
import type { ImportProgress, ImportSummary } from '../../../src-main/core/api';
import type { ImportStarted } from '../../../src-main/core/contract/catalog';
import type { TrainProgressPayload } from '../../../src-main/core/contract/engine';
import { JobSession } from '../../../src-renderer/src/lib/job-session.svelte';
import { deferred, FakeStudio } from '../fake-studio';
import { jobEvents, jobInfo, listJobsFrom } from '../job-events';

const progress = (jobId: number, done: number): ImportProgress => ({
  jobId,
  dataset: 'd',
  done,
  total: 3,
  added: done,
  skipped: 0,
  failed: 0,
});
const started = (jobId: number): ImportStarted => ({ jobId, datasetId: 1, dataset: 'd' });
const summary = (jobId: number): ImportSummary => ({
  jobId,
  dataset: 'd',
  datasetId: 1,
  state: 'done',
  total: 3,
  added: 3,
  skipped: 0,
  failed: [],
});
const batchStep = (jobId: number, loss: number): TrainProgressPayload => ({
  jobId,
  kind: 'batch',
  epoch: 1,
  batch: 1,
  loss,
  samplesPerSecond: 10,
  etaSeconds: null,
});

describe('JobSession', () => {
  test('keeps the events that arrive before the start call answers, and only those of its job', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    const seen: number[] = [];
    const job = new JobSession(fake.client, ['import'], { progress: (p) => seen.push(p.done) });
    const answer = deferred<ImportStarted>();
    fake.handle('importPaths', () => answer.promise);

    const starting = job.start('import', () => fake.client.importPaths({ paths: ['/a'], dataset: 'd' }));
    expect(job.state).toBe('starting');
    // The worker was quicker than the answer: two files, another job's file, and the end.
    events.progress('import', 7, progress(7, 1));
    events.progress('import', 8, progress(8, 1));
    events.progress('import', 7, progress(7, 2));
    events.finished('import', 7, 'done', summary(7));
    expect(job.jobId).toBeNull();
    answer.resolve(started(7));

    expect(await starting).toBe(7);
    expect(seen).toEqual([1, 2]);
    expect(job.progress?.done).toBe(2);
    expect(job.finished?.jobId).toBe(7);
    expect(job.state).toBe('done');
    // Later events of another job change nothing.
    events.progress('import', 8, progress(8, 3));
    expect(job.progress?.jobId).toBe(7);
  });

  test('a start call that fails leaves nothing followed', async () => {
    const fake = new FakeStudio();
    const job = new JobSession(fake.client, ['import']);
    fake.handle('importPaths', () => Promise.reject(new Error('dataset names cannot be empty')));
    await expect(job.start('import', () => fake.client.importPaths({ paths: ['/a'], dataset: 'd' }))).rejects.toThrow('empty');
    expect(job.state).toBe('idle');
    expect(job.jobId).toBeNull();
    jobEvents(fake).progress('import', 3, progress(3, 1));
    expect(job.progress).toBeNull();
  });

  test('re-attaches to the newest live job of its kinds after a reload', async () => {
    const fake = new FakeStudio();
    fake.handle(
      'listJobs',
      listJobsFrom([
        jobInfo({ id: 3, kind: 'train', state: 'running' }),
        jobInfo({ id: 5, kind: 'train.remote', state: 'paused' }),
        jobInfo({ id: 9, kind: 'train', state: 'done' }),
        jobInfo({ id: 11, kind: 'eval', state: 'running' }),
      ]),
    );
    const job = new JobSession(fake.client, ['train', 'train.remote']);

    const found = await job.attach();

    expect(found?.id).toBe(5);
    expect(job.jobId).toBe(5);
    expect(job.kind).toBe('train.remote');
    expect(job.state).toBe('paused');
    expect(job.reattached).toBe(true);
    jobEvents(fake).progress('train', 3, batchStep(3, 0.5));
    expect(job.progress).toBeNull();
    jobEvents(fake).progress('train.remote', 5, batchStep(5, 0.25));
    expect(job.progress).toMatchObject({ kind: 'batch', loss: 0.25 });
    // A session that follows a live job does not look again.
    expect(await job.attach()).toBeNull();
  });

  test('finds nothing when no job of its kinds is live', async () => {
    const fake = new FakeStudio();
    fake.handle(
      'listJobs',
      listJobsFrom([jobInfo({ id: 2, kind: 'train', state: 'interrupted' }), jobInfo({ id: 4, kind: 'eval', state: 'running' })]),
    );
    const job = new JobSession(fake.client, ['train']);
    expect(await job.attach()).toBeNull();
    expect(job.state).toBe('idle');
  });

  test('cancels, pauses and resumes through the generic job methods', async () => {
    const fake = new FakeStudio();
    fake.handle('trainModel', () => ({ jobId: 4 }));
    fake.handle('cancelJob', ({ jobId }) => ({ jobId, cancelled: true, state: 'running' }));
    fake.handle('pauseJob', ({ jobId }) => ({ jobId, state: 'paused' }));
    fake.handle('resumeJob', ({ jobId }) => ({ jobId, kind: 'train', state: 'running' }));
    const job = new JobSession(fake.client, ['train']);
    await job.start('train', () => fake.client.trainModel({ dataset: 'd' }));

    await job.pause();
    expect(job.state).toBe('paused');
    await job.resume();
    expect(job.state).toBe('running');
    await job.cancel();

    expect(fake.calls.map((c) => c.method)).toEqual(['trainModel', 'pauseJob', 'resumeJob', 'cancelJob']);
    expect(fake.callsOf('cancelJob')).toEqual([{ jobId: 4 }]);
  });

  test('takes its state from the events the work acknowledges, not from an older answer', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle('trainModel', () => ({ jobId: 6 }));
    const pauseAnswer = deferred<{ jobId: number; state: 'running' }>();
    fake.handle('pauseJob', () => pauseAnswer.promise);
    const job = new JobSession(fake.client, ['train']);
    await job.start('train', () => fake.client.trainModel({ dataset: 'd' }));
    expect(job.state).toBe('starting');
    events.progress('train', 6, batchStep(6, 1));
    expect(job.state).toBe('running');

    const pausing = job.pause();
    expect(job.state).toBe('running');
    events.state('train', 6, 'paused');
    expect(job.state).toBe('paused');
    // The answer was computed before the worker stopped: it does not undo the acknowledged state.
    pauseAnswer.resolve({ jobId: 6, state: 'running' });
    await pausing;
    expect(job.state).toBe('paused');
  });

  test('waits for the end through the job feed', async () => {
    const fake = new FakeStudio();
    fake.handle('importPaths', () => started(2));
    jobEvents(fake).awaits('import', (jobId) => ({ ...summary(jobId), state: 'cancelled' }));
    const job = new JobSession(fake.client, ['import']);
    await job.start('import', () => fake.client.importPaths({ paths: ['/a'], dataset: 'd' }));
    const outcome = await job.outcome();
    expect(outcome).toMatchObject({ jobId: 2, kind: 'import', state: 'cancelled', result: { added: 3 } });
    // The end is known from the wait too, where no state event came.
    expect(job.state).toBe('cancelled');
  });

  test('follows a job of the catalog and refuses one of another kind', () => {
    const fake = new FakeStudio();
    const job = new JobSession(fake.client, ['batch.compress', 'batch.decompress']);
    job.follow(jobInfo({ id: 12, kind: 'batch.decompress', state: 'interrupted' }));
    expect(job.jobId).toBe(12);
    expect(job.state).toBe('interrupted');
    expect(() => job.follow(jobInfo({ id: 13, kind: 'import', state: 'done' }))).toThrow(
      'job 13 is a import job, not one of batch.compress, batch.decompress',
    );
  });

  test('subscribes once, whatever the number of jobs it follows', async () => {
    const fake = new FakeStudio();
    fake.handle('importPaths', () => started(1));
    const a = new JobSession(fake.client, ['import']);
    const b = new JobSession(fake.client, ['import']);
    await a.start('import', () => fake.client.importPaths({ paths: ['/a'], dataset: 'd' }));
    await a.start('import', () => fake.client.importPaths({ paths: ['/a'], dataset: 'd' }));
    await b.start('import', () => fake.client.importPaths({ paths: ['/a'], dataset: 'd' }));
    // One listener per event and session, none per job.
    expect([fake.listenerCount('jobProgress'), fake.listenerCount('jobState'), fake.listenerCount('jobFinished')]).toEqual([2, 2, 2]);
  });
});
