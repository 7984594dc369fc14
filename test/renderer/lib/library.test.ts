import { expect, test, vi } from 'vitest';
import type { JobInfo, ModelSummary } from '../../../src-main/core/api';
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

test('an evaluation that ends reloads the models: the verdict it gave a model shows', async () => {
  const fake = new FakeStudio();
  let models: ModelSummary[] = [];
  fake.handle('listJobs', () => ({ jobs: [] }));
  fake.handle('listDatasets', () => ({ datasets: [] }));
  fake.handle('listModels', () => ({ models }));
  fake.handle('listLatentFiles', () => ({ latentFiles: [] }));
  const library = new LibraryState(fake.client);
  library.ensure();
  await vi.waitFor(() => expect(library.models.value).toEqual([]));
  const asked = fake.callsOf('listModels').length;
  models = [{ id: 'm1', name: 'm1', arch: 'hyperprior', datasetId: null, dataset: null, weightsHash: 'h', createdAt: '2026-01-01T00:00:00Z', bytes: 1, latentFiles: 0, card: {}, builtin: false }];
  jobEvents(fake).finished('eval', 9, 'done', { jobId: 9, state: 'done', evaluationId: 3 });
  expect(fake.callsOf('listModels')).toHaveLength(asked + 1);
  await vi.waitFor(() => expect(library.models.value?.map((m) => m.id)).toEqual(['m1']));
});
