import { describe, expect, test } from 'vitest';
import type { ImportProgress, ImportSummary } from '../../../src-main/core/api';
import type { ImportStarted } from '../../../src-main/core/contract/catalog';
import { RAISE_PIXEL_LIMIT } from '../../../src-main/core/contract/limits';
import { ImportSession } from '../../../src-renderer/src/lib/import-session.svelte';
import { deferred, FakeStudio } from '../fake-studio';
import { jobEvents, jobInfo, listJobsFrom } from '../job-events';

const tooBig = `/p/huge.tif: 90000000 pixels is over the limit of 40000000 (${RAISE_PIXEL_LIMIT})`;
const progress = (jobId: number, done: number, extra: Partial<ImportProgress> = {}): ImportProgress => ({
  jobId,
  dataset: 'photos',
  done,
  total: 2,
  added: done,
  skipped: 0,
  failed: 0,
  ...extra,
});
const summary = (jobId: number, extra: Partial<ImportSummary> = {}): ImportSummary => ({
  jobId,
  dataset: 'photos',
  datasetId: 4,
  state: 'done',
  total: 2,
  added: 1,
  skipped: 0,
  failed: [],
  ...extra,
});

describe('ImportSession', () => {
  test('shows a fast import whose events all came before importPaths answered', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    const answer = deferred<ImportStarted>();
    fake.handle('importPaths', () => answer.promise);
    const session = new ImportSession(fake.client);

    const run = session.importPaths(['/p'], 'photos');
    await fake.called('importPaths');
    expect(session.status).toBe('importing');
    events.progress('import', 5, progress(5, 1, { current: '/p/huge.tif', error: tooBig, added: 0, failed: 1 }));
    events.progress('import', 5, progress(5, 2, { added: 1, failed: 1 }));
    const end = summary(5, { failed: [{ path: '/p/huge.tif', error: tooBig }] });
    events.finished('import', 5, 'done', end);
    events.awaits('import', () => end);
    answer.resolve({ jobId: 5, datasetId: 4, dataset: 'photos' });

    expect(await run).toEqual(end);
    expect(session.status).toBe('done');
    expect(session.progress?.done).toBe(2);
    expect(session.overLimit).toEqual([{ path: '/p/huge.tif', error: tooBig }]);
    expect(session.datasetId).toBe(4);
  });

  test('imports the files refused for their size again under the raised limit', async () => {
    const fake = new FakeStudio();
    let next = 1;
    fake.handle('importPaths', (r) => ({ jobId: next++, datasetId: 4, dataset: r.dataset }));
    jobEvents(fake).awaits('import', (jobId) =>
      jobId === 1 ? summary(1, { failed: [{ path: '/p/huge.tif', error: tooBig }] }) : summary(jobId),
    );
    const session = new ImportSession(fake.client);
    await session.importPaths(['/p'], 'photos');

    session.maxMegapixels = 100;
    const again = await session.retryOverLimit();

    expect(again?.jobId).toBe(2);
    expect(fake.callsOf('importPaths')[1]).toEqual({ paths: ['/p/huge.tif'], dataset: 'photos', maxPixels: 100_000_000 });
    expect(session.overLimit).toEqual([]);
  });

  test('follows an import still running after a reload, to its end', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle(
      'listJobs',
      listJobsFrom([
        jobInfo({
          id: 8,
          kind: 'import',
          state: 'running',
          done: 1,
          total: 2,
          input: { datasetId: 4, dataset: 'photos', paths: ['/p'] },
          errors: [{ item: '/p/bad.png', message: '/p/bad.png: not an image' }],
        }),
      ]),
    );
    const end = deferred<ImportSummary>();
    events.awaits('import', () => end.promise);
    const session = new ImportSession(fake.client);

    const attached = session.attach();
    await events.waited('import');
    expect(session.status).toBe('importing');
    expect(session.dataset).toBe('photos');
    expect(session.failures).toEqual([{ path: '/p/bad.png', error: '/p/bad.png: not an image' }]);
    events.progress('import', 8, progress(8, 2));
    expect(session.progress?.done).toBe(2);
    end.resolve(summary(8));
    await attached;
    expect(session.status).toBe('done');
    expect(session.summary?.added).toBe(1);
  });

  test('cancels through cancelJob', async () => {
    const fake = new FakeStudio();
    fake.handle('importPaths', () => ({ jobId: 3, datasetId: 4, dataset: 'photos' }));
    jobEvents(fake).awaits('import', () => new Promise<ImportSummary>(() => {}));
    fake.handle('cancelJob', ({ jobId }) => ({ jobId, cancelled: true, state: 'running' }));
    const session = new ImportSession(fake.client);
    void session.importPaths(['/p'], 'photos');
    await jobEvents(fake).waited('import');

    await session.cancel();

    expect(fake.callsOf('cancelJob')).toEqual([{ jobId: 3 }]);
  });

  test('a refused start is a failure with its reason, and no job', async () => {
    const fake = new FakeStudio();
    fake.handle('importPaths', () => Promise.reject(new Error('/p: no such file or folder')));
    const session = new ImportSession(fake.client);
    expect(await session.importPaths(['/p'], 'photos')).toBeNull();
    expect(session.status).toBe('failed');
    expect(session.error).toBe('/p: no such file or folder');
    expect(session.jobId).toBeNull();
  });
});
