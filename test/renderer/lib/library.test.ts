import { expect, test, vi } from 'vitest';
import type { JobInfo } from '../../../src-main/core/api';
import { LibraryState } from '../../../src-renderer/src/lib/library.svelte';
import { FakeStudio } from '../fake-studio';
import { jobEvents, jobInfo } from '../job-events';

test('a batch started after the job list was loaded is listed while it runs', async () => {
  const fake = new FakeStudio();
  let jobs: JobInfo[] = [];
  fake.handle('listJobs', () => ({ jobs }));
  fake.handle('listDatasets', () => ({ datasets: [] }));
  fake.handle('listModels', () => ({ models: [] }));
  fake.handle('listLatentFiles', () => ({ latentFiles: [] }));
  const library = new LibraryState(fake.client);
  library.ensure();
  await vi.waitFor(() => expect(library.jobs.value).not.toBeNull());
  expect(library.jobs.value).toEqual([]);
  // Batch job 5 starts: the core says so with its state, long before it ends.
  jobs = [jobInfo({ id: 5, kind: 'batch.compress', state: 'running' })];
  jobEvents(fake).state('batch.compress', 5, 'running');
  await vi.waitFor(() => expect(library.jobs.value).toHaveLength(1));
  expect(library.jobs.value!.map((j) => [j.id, j.state])).toEqual([[5, 'running']]);
});
