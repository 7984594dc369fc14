// The import the Import view shows: uploading (browser studio), then the catalog's import job
// with its per-file progress and the files it could not read, with their reasons.
import type { ImportProgress, ImportSummary } from '../../../src-main/core/api';
import { DEFAULT_MAX_PIXELS, RAISE_PIXEL_LIMIT } from '../../../src-main/core/contract/limits';
import { resolveDropped, type Dropped, type UploadProgress } from './dropped';
import { errorMessage } from './format';
import { studio } from './studio';

export type ImportStatus = 'idle' | 'uploading' | 'importing' | 'done' | 'failed' | 'cancelled';

class ImportSession {
  status = $state<ImportStatus>('idle');
  dataset = $state('');
  datasetId = $state<number | null>(null);
  jobId = $state<number | null>(null);
  upload = $state.raw<UploadProgress | null>(null);
  progress = $state.raw<ImportProgress | null>(null);
  summary = $state.raw<ImportSummary | null>(null);
  /** Failures as they arrive, before the summary. */
  failures = $state.raw<{ path: string; error: string }[]>([]);
  error = $state<string | null>(null);
  /** Largest image the import decodes, in megapixels (the core's --max-pixels; offered where the limit is hit). */
  maxMegapixels = $state(DEFAULT_MAX_PIXELS / 1e6);
  private subscribed = false;

  /** Files the last import refused for their size alone: importing them again with a higher limit can work. */
  get overLimit(): { path: string; error: string }[] {
    return this.failures.filter((f) => f.error.includes(RAISE_PIXEL_LIMIT));
  }

  get busy(): boolean {
    return this.status === 'uploading' || this.status === 'importing';
  }

  private subscribe(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    studio.on('importProgress', (p) => {
      if (p.jobId !== this.jobId) return;
      this.progress = p;
      if (p.error && p.current) this.failures = [...this.failures, { path: p.current, error: p.error }];
    });
    studio.on('importFinished', (s) => {
      if (s.jobId !== this.jobId) return;
      this.finish(s);
    });
  }

  private finish(s: ImportSummary): void {
    this.summary = s;
    this.failures = s.failed;
    this.status = s.state === 'done' ? 'done' : s.state === 'cancelled' ? 'cancelled' : 'failed';
    if (s.error) this.error = s.error;
  }

  /** Upload when needed, then start the import job. Resolves when the job has ended. */
  async run(dropped: Dropped, dataset: string): Promise<ImportSummary | null> {
    this.subscribe();
    this.status = 'uploading';
    this.dataset = dataset;
    this.datasetId = null;
    this.jobId = null;
    this.upload = null;
    this.progress = null;
    this.summary = null;
    this.failures = [];
    this.error = null;
    try {
      const resolved = await resolveDropped(dropped, (u) => (this.upload = u));
      if (resolved.paths.length === 0) throw new Error('nothing to import: no files were dropped or chosen');
      return await this.importPaths(resolved.paths, dataset);
    } catch (e) {
      this.status = 'failed';
      this.error = errorMessage(e);
      return null;
    }
  }

  async importPaths(paths: string[], dataset: string): Promise<ImportSummary | null> {
    this.subscribe();
    this.status = 'importing';
    this.dataset = dataset;
    try {
      const maxPixels = Math.round(this.maxMegapixels * 1e6);
      const started = await studio.importPaths({ paths, dataset, ...(maxPixels !== DEFAULT_MAX_PIXELS ? { maxPixels } : {}) });
      this.jobId = started.jobId;
      this.datasetId = started.datasetId;
      const summary = await studio.awaitImport({ jobId: started.jobId });
      this.finish(summary);
      return summary;
    } catch (e) {
      this.status = 'failed';
      this.error = errorMessage(e);
      return null;
    }
  }

  /** Imports the files refused for their size again, into the same dataset, under the current limit. */
  async retryOverLimit(): Promise<ImportSummary | null> {
    const paths = this.overLimit.map((f) => f.path);
    if (paths.length === 0 || this.busy) return null;
    this.summary = null;
    this.failures = [];
    this.error = null;
    this.progress = null;
    return this.importPaths(paths, this.dataset);
  }

  async cancel(): Promise<void> {
    if (this.jobId === null) return;
    try {
      await studio.cancelImport({ jobId: this.jobId });
    } catch (e) {
      this.error = errorMessage(e);
    }
  }
}

export const importing = new ImportSession();
