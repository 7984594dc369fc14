// The catalog as the Library shows it: datasets, models (the user's first, then the built-in
// bases), latent files and jobs, reloaded when a job that changes them ends.
import type { CatalogLatentFile, DatasetSummary, JobInfo, ModelSummary } from '../../../src-main/core/api';
import { userModelsFirst } from './base-models';
import { Loadable } from './loadable.svelte';
import { studio } from './studio';

class LibraryState {
  datasets = new Loadable<DatasetSummary[]>(async () => (await studio.listDatasets({})).datasets);
  /** The user's models newest first, then the built-in base models (so views pick a user's model first). */
  models = new Loadable<ModelSummary[]>(async () => userModelsFirst((await studio.listModels({})).models));
  latents = new Loadable<CatalogLatentFile[]>(async () => (await studio.listLatentFiles({ limit: 200 })).latentFiles);
  jobs = new Loadable<JobInfo[]>(async () => (await studio.listJobs({ limit: 50 })).jobs);
  private subscribed = false;

  /** First call subscribes to the events after which the lists change. */
  ensure(): void {
    if (!this.subscribed) {
      this.subscribed = true;
      studio.on('jobFinished', (e) => {
        switch (e.kind) {
          case 'import':
            return void Promise.all([this.datasets.load(), this.jobs.load()]);
          case 'train':
          case 'train.remote':
            return void Promise.all([this.models.load(), this.datasets.load()]);
          case 'batch.compress':
          case 'batch.decompress':
            return void Promise.all([this.latents.load(), this.jobs.load(), this.models.load()]);
          case 'eval':
            return void this.jobs.load();
        }
      });
    }
    void this.refresh();
  }

  refresh(): Promise<unknown> {
    return Promise.all([this.datasets.load(), this.models.load(), this.latents.load(), this.jobs.load()]);
  }
}

export const library = new LibraryState();
