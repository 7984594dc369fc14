import { describe, expect, test } from 'vitest';
import type { BatchProgress, BatchStarted, BatchSummary } from '../../../src-main/core/api';
import { BatchSession } from '../../../src-renderer/src/lib/batch-session.svelte';
import { deferred, FakeStudio } from '../fake-studio';
import { jobEvents, jobInfo, listJobsFrom } from '../job-events';

const progress = (jobId: number, done: number, extra: Partial<BatchProgress> = {}): BatchProgress => ({
  jobId,
  kind: 'compress',
  state: 'running',
  done,
  total: 3,
  written: done,
  skipped: 0,
  failed: 0,
  bytesIn: 0,
  bytesOut: 0,
  mbPerSecond: 0,
  filesPerSecond: 0,
  etaSeconds: null,
  workers: 2,
  ...extra,
});
const summary = (jobId: number, extra: Partial<BatchSummary> = {}): BatchSummary => ({
  jobId,
  kind: 'compress',
  state: 'done',
  outDir: '/photos-latent',
  total: 3,
  done: 3,
  files: [],
  skipped: [],
  failed: [],
  bytesIn: 0,
  bytesOut: 0,
  ratio: 0,
  seconds: 1,
  filesPerSecond: 3,
  mbPerSecond: 1,
  workers: 2,
  ...extra,
});

function session(fake: FakeStudio): BatchSession {
  const batch = new BatchSession(fake.client);
  batch.setInput({ paths: ['/photos'], folder: '/photos', label: 'photos', count: 3 });
  batch.modelId = 'm1';
  return batch;
}

describe('BatchSession', () => {
  test('keeps the files that finished before startBatch answered', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    const answer = deferred<BatchStarted>();
    fake.handle('startBatch', () => answer.promise);
    fake.handle('getBatch', ({ jobId }) => summary(jobId, { failed: [{ path: '/photos/b.png', error: '/photos/b.png: not an image' }] }));
    const batch = session(fake);

    const starting = batch.start();
    expect(batch.active).toBe(true);
    events.progress('batch.compress', 21, progress(21, 1, { currentFile: '/photos/a.png' }));
    events.progress(
      'batch.compress',
      21,
      progress(21, 2, { currentFile: '/photos/b.png', error: '/photos/b.png: not an image', failed: 1 }),
    );
    answer.resolve({ jobId: 21, kind: 'compress', state: 'running', resumed: false });
    await starting;

    expect(fake.callsOf('startBatch')[0]).toMatchObject({ kind: 'compress', inputs: ['/photos'], outDir: '/photos-latent', modelId: 'm1' });
    expect(batch.status).toBe('running');
    expect(batch.recent.map((r) => r.file)).toEqual(['/photos/b.png', '/photos/a.png']);
    expect(batch.errors).toEqual([{ path: '/photos/b.png', error: '/photos/b.png: not an image' }]);
    events.finished('batch.compress', 21, 'done', {
      ...summary(21),
      written: 2,
      skippedCount: 0,
      failed: [{ path: '/photos/b.png', error: '/photos/b.png: not an image' }],
    });
    expect(batch.status).toBe('done');
    expect(batch.active).toBe(false);
    await fake.called('getBatch');
  });

  test('lists a file once: its tile events, and an event of the same file again, add no second entry', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle('startBatch', () => ({ jobId: 9, kind: 'compress', state: 'running', resumed: false }));
    const batch = session(fake);
    await batch.start();

    const tiles = (done: number, extra: Partial<BatchProgress> = {}) =>
      progress(9, 0, { working: [{ file: '/photos/big.png', tilesDone: done, tilesTotal: 64 }], ...extra });
    // As the core sends them: tile events name no finished file, then the file's own event.
    events.progress('batch.compress', 9, tiles(1));
    events.progress('batch.compress', 9, tiles(20));
    expect(batch.recent).toEqual([]);
    // Were a tile event to carry the file in progress, the file's own event still leaves one entry.
    events.progress('batch.compress', 9, tiles(40, { currentFile: '/photos/big.png' }));
    events.progress('batch.compress', 9, progress(9, 1, { currentFile: '/photos/big.png' }));
    events.progress(
      'batch.compress',
      9,
      progress(9, 2, { currentFile: '/photos/bad.png', error: '/photos/bad.png: not an image', failed: 1 }),
    );
    events.progress(
      'batch.compress',
      9,
      progress(9, 2, { currentFile: '/photos/bad.png', error: '/photos/bad.png: not an image', failed: 1 }),
    );
    expect(batch.recent.map((r) => r.file)).toEqual(['/photos/bad.png', '/photos/big.png']);
    expect(batch.errors).toEqual([{ path: '/photos/bad.png', error: '/photos/bad.png: not an image' }]);
  });

  test('shows the batch still running after a reload, or the one the address names', async () => {
    const fake = new FakeStudio();
    fake.handle(
      'listJobs',
      listJobsFrom([
        jobInfo({ id: 4, kind: 'batch.decompress', state: 'paused' }),
        jobInfo({ id: 2, kind: 'batch.compress', state: 'done' }),
      ]),
    );
    fake.handle('getBatch', ({ jobId }) => summary(jobId, { kind: jobId === 4 ? 'decompress' : 'compress' }));
    const batch = new BatchSession(fake.client);

    await batch.attach();
    expect([batch.jobId, batch.status]).toEqual([4, 'paused']);
    expect(batch.summary?.jobId).toBe(4);

    await batch.attach(jobInfo({ id: 2, kind: 'batch.compress', state: 'done' }));
    expect([batch.jobId, batch.status]).toEqual([2, 'done']);
    expect(batch.summary?.jobId).toBe(2);
  });

  test('pauses, cancels and resumes through the generic job methods; a queue batch resumes by sending it again', async () => {
    const fake = new FakeStudio();
    fake.handle('startBatch', () => ({ jobId: 5, kind: 'compress', state: 'running', resumed: false }));
    fake.handle('startQueueBatch', () => ({ jobId: 6, kind: 'compress', state: 'running', resumed: false }));
    fake.handle('pauseJob', ({ jobId }) => ({ jobId, state: 'paused' }));
    fake.handle('resumeJob', ({ jobId }) => ({ jobId, kind: 'batch.compress', state: 'running' }));
    fake.handle('cancelJob', ({ jobId }) => ({ jobId, cancelled: true, state: 'cancelled' }));
    const batch = session(fake);
    await batch.start();

    await batch.pause();
    expect(batch.status).toBe('paused');
    await batch.resume();
    expect(batch.status).toBe('running');
    await batch.cancel();
    expect(batch.status).toBe('cancelled');

    batch.onWorkers = true;
    await batch.start();
    expect(batch.runsOnQueue).toBe(true);
    await batch.cancel();
    await batch.resume();

    expect(fake.calls.map((c) => c.method)).toEqual([
      'startBatch',
      'pauseJob',
      'resumeJob',
      'cancelJob',
      'startQueueBatch',
      'cancelJob',
      'startQueueBatch',
    ]);
    expect(fake.callsOf('startQueueBatch')[1]).toEqual(fake.callsOf('startQueueBatch')[0]);
  });
});
