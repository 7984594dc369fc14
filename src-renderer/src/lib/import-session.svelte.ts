// The import the Import view shows: uploading (browser studio), then the catalog's import job
// with its per-file progress and the files it could not read, with their reasons. After a reload
// it follows an import still running (attach).
import type { ImportProgress, ImportSummary, StudioClient } from '../../../src-main/core/api';
import { DEFAULT_MAX_PIXELS, RAISE_PIXEL_LIMIT } from '../../../src-main/core/contract/limits';
import { resolveDropped, type Dropped, type UploadProgress } from './dropped';
import { errorMessage } from './format';
import { JobSession } from './job-session.svelte';
import { megapixelsNeeded } from './pixel-limit';
import { studio } from './studio';

export type ImportStatus = 'idle' | 'uploading' | 'importing' | 'done' | 'failed' | 'cancelled';

export class ImportSession {
  readonly #client: StudioClient;
  readonly #job: JobSession<'import'>;
  /** Before the job: idle or uploading; 'failed' when no job result came (nothing dropped, the start refused, the wait failed). */
  #stage = $state<'idle' | 'uploading' | 'failed' | 'job'>('idle');
  #dataset = $state('');
  #datasetId = $state<number | null>(null);
  #upload = $state.raw<UploadProgress | null>(null);
  #summary = $state.raw<ImportSummary | null>(null);
  /** Failures as they arrive, before the summary. */
  #failures = $state.raw<{ path: string; error: string }[]>([]);
  #error = $state<string | null>(null);
  /** Largest image the import decodes, in megapixels (the core's --max-pixels; offered where the limit is hit). */
  maxMegapixels = $state(DEFAULT_MAX_PIXELS / 1e6);

  constructor(client: StudioClient) {
    this.#client = client;
    this.#job = new JobSession(client, ['import'], {
      progress: (p) => {
        if (p.error && p.current) this.#failures = [...this.#failures, { path: p.current, error: p.error }];
      },
      finished: (s) => this.#finish(s),
    });
  }

  get status(): ImportStatus {
    if (this.#stage !== 'job') return this.#stage;
    switch (this.#job.state) {
      case 'done':
        return 'done';
      case 'cancelled':
        return 'cancelled';
      case 'failed':
      case 'interrupted':
        return 'failed';
      default:
        return 'importing';
    }
  }
  get dataset(): string {
    return this.#dataset;
  }
  get datasetId(): number | null {
    return this.#datasetId;
  }
  get jobId(): number | null {
    return this.#job.jobId;
  }
  get upload(): UploadProgress | null {
    return this.#upload;
  }
  get progress(): ImportProgress | null {
    return this.#job.progress;
  }
  get summary(): ImportSummary | null {
    return this.#summary;
  }
  get failures(): { path: string; error: string }[] {
    return this.#failures;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Files the last import refused for their size alone: importing them again with a higher limit can work. */
  get overLimit(): { path: string; error: string }[] {
    return this.#failures.filter((f) => f.error.includes(RAISE_PIXEL_LIMIT));
  }

  get busy(): boolean {
    return this.status === 'uploading' || this.status === 'importing';
  }

  #finish(s: ImportSummary): void {
    this.#summary = s;
    this.#failures = s.failed;
    this.#datasetId = s.datasetId;
    if (s.error) this.#error = s.error;
    this.#offerLimit();
  }

  #fail(e: unknown): null {
    this.#stage = 'failed';
    this.#error = errorMessage(e);
    this.#offerLimit();
    return null;
  }

  /** An import ended with images refused for their size: the limit offered is the one that lets them in. */
  #offerLimit(): void {
    const needed = megapixelsNeeded(this.overLimit.map((f) => f.error));
    if (needed !== null && this.maxMegapixels < needed) this.maxMegapixels = needed;
  }

  /** Upload when needed, then start the import job. Resolves when the job has ended. */
  async run(dropped: Dropped, dataset: string): Promise<ImportSummary | null> {
    this.#job.reset();
    this.#stage = 'uploading';
    this.#dataset = dataset;
    this.#datasetId = null;
    this.#upload = null;
    this.#summary = null;
    this.#failures = [];
    this.#error = null;
    try {
      const resolved = await resolveDropped(dropped, (u) => (this.#upload = u));
      if (resolved.paths.length === 0) throw new Error('nothing to import: no files were dropped or chosen');
      return await this.importPaths(resolved.paths, dataset);
    } catch (e) {
      return this.#fail(e);
    }
  }

  async importPaths(paths: string[], dataset: string): Promise<ImportSummary | null> {
    this.#stage = 'job';
    this.#dataset = dataset;
    try {
      const maxPixels = Math.round(this.maxMegapixels * 1e6);
      await this.#job.start('import', async () => {
        const started = await this.#client.importPaths({ paths, dataset, ...(maxPixels !== DEFAULT_MAX_PIXELS ? { maxPixels } : {}) });
        this.#datasetId = started.datasetId;
        return started;
      });
      return await this.#wait();
    } catch (e) {
      return this.#fail(e);
    }
  }

  /** After a reload: follow an import still running in the studio, to its end. */
  async attach(): Promise<void> {
    if (this.busy) return;
    try {
      const job = await this.#job.attach();
      if (!job) return;
      const input = job.input as { dataset?: string; datasetId?: number } | null;
      this.#stage = 'job';
      this.#dataset = input?.dataset ?? '';
      this.#datasetId = input?.datasetId ?? null;
      this.#upload = null;
      this.#summary = null;
      this.#failures = job.errors.map((e) => ({ path: e.item, error: e.message }));
      this.#error = null;
      await this.#wait();
    } catch {
      // Not finding it only costs the live view; the import itself goes on.
    }
  }

  async #wait(): Promise<ImportSummary | null> {
    const outcome = await this.#job.outcome();
    if (!outcome.result) throw new Error(outcome.error ?? `import ${outcome.state}`);
    this.#finish(outcome.result);
    return outcome.result;
  }

  /** Imports the files refused for their size again, into the same dataset, under the current limit. */
  async retryOverLimit(): Promise<ImportSummary | null> {
    const paths = this.overLimit.map((f) => f.path);
    if (paths.length === 0 || this.busy) return null;
    this.#summary = null;
    this.#failures = [];
    this.#error = null;
    return this.importPaths(paths, this.#dataset);
  }

  async cancel(): Promise<void> {
    try {
      await this.#job.cancel();
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }
}

export const importing = new ImportSession(studio);
