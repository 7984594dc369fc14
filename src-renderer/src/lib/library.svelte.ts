// The catalog as the Library shows it: datasets, models (the user's first, then the built-in
// bases), latent files and jobs, reloaded when a job that changes them ends.
import type { CatalogLatentFile, DatasetSummary, JobInfo, ModelSummary, StudioClient } from '../../../src-main/core/api';
import { userModelsFirst } from './base-models';
import { Loadable } from './loadable.svelte';
import { studio } from './studio';

export class LibraryState {
  readonly #client: StudioClient;
  datasets = new Loadable<DatasetSummary[]>(async () => (await this.#client.listDatasets({})).datasets);
  /** The user's models newest first, then the built-in base models (so views pick a user's model first). */
  models = new Loadable<ModelSummary[]>(async () => userModelsFirst((await this.#client.listModels({})).models));
  latents = new Loadable<CatalogLatentFile[]>(async () => (await this.#client.listLatentFiles({ limit: 200 })).latentFiles);
  jobs = new Loadable<JobInfo[]>(async () => (await this.#client.listJobs({ limit: 50 })).jobs);
  private subscribed = false;

  constructor(client: StudioClient = studio) {
    this.#client = client;
  }

  /** First call subscribes to the events after which the lists change. */
  ensure(): void {
    if (!this.subscribed) {
      this.subscribed = true;
      // A job started (or resumed, paused) after the list was loaded: list it, in its state, at once.
      this.#client.on('jobState', (e) => {
        const listed = this.jobs.value?.find((j) => j.id === e.jobId);
        if (!listed || listed.state !== e.state) void this.jobs.load();
      });
      this.#client.on('jobFinished', (e) => {
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
            // An evaluation (the verdict after a training too) gives a model its verdict.
            return void Promise.all([this.jobs.load(), this.models.load()]);
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
