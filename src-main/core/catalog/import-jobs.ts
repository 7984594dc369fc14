// Runs import jobs for one studio: claims the job in the catalog, starts the worker task, relays
// its progress as importProgress events, and records how the job ended. A job whose process dies
// stays 'running' in the file and is marked 'interrupted' by the next catalog open.
import type { ImportStarted, ImportSummary } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import type { WorkerHandle } from '../jobs/worker-host.js';
import { startWorkerTask } from '../jobs/worker-host.js';
import type { Catalog } from './catalog.js';
import { IMPORT_JOB_KIND, importInputOf, type ImportJobInput } from './import/job-input.js';
import { IMAGE_EXTENSIONS } from '../input/walk.js';
import { importSummary } from './import/summary.js';
import { getCatalog } from './index.js';

interface Running {
  handle: WorkerHandle<unknown>;
  finished: Promise<ImportSummary>;
}

export class ImportJobs {
  private readonly running = new Map<number, Running>();
  private closing = false;
  private readonly catalog: Catalog;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives this runner when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
  }

  /** Creates the dataset if needed and a job for these paths, and starts it. */
  start(request: { paths: string[]; dataset: string; description?: string; maxPixels?: number }): ImportStarted {
    const existed = this.catalog.datasets.byName(request.dataset) !== undefined;
    const dataset = this.catalog.datasets.ensure(request.dataset, request.description ?? '');
    const input: ImportJobInput = {
      datasetId: dataset.id,
      dataset: dataset.name,
      paths: request.paths,
      createdDataset: !existed,
      ...(request.maxPixels !== undefined ? { maxPixels: request.maxPixels } : {}),
    };
    const job = this.catalog.jobs.create({ kind: IMPORT_JOB_KIND, input });
    this.run(job.id);
    return { jobId: job.id, dataset: dataset.name, datasetId: dataset.id };
  }

  /** Continues a stopped import job; finished files are skipped by the task. */
  resume(jobId: number): ImportStarted {
    const input = importInputOf(this.catalog.jobs.require(jobId));
    if (this.running.has(jobId)) throw new StudioError('conflict', `job ${jobId} is already running`);
    this.run(jobId);
    return { jobId, dataset: input.dataset, datasetId: input.datasetId };
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }

  async wait(jobId: number): Promise<ImportSummary> {
    const r = this.running.get(jobId);
    if (r) return r.finished;
    const job = this.catalog.jobs.require(jobId);
    importInputOf(job);
    if (job.state === 'running') throw new StudioError('conflict', `job ${jobId} is running in another process (${job.pid ?? '?'})`);
    return importSummary(this.catalog, jobId);
  }

  cancel(jobId: number): boolean {
    const r = this.running.get(jobId);
    r?.handle.cancel();
    return r !== undefined;
  }

  /** Studio closing: stop the workers and leave their jobs resumable. */
  async dispose(): Promise<void> {
    this.closing = true;
    const all = [...this.running.values()];
    for (const r of all) r.handle.cancel();
    await Promise.allSettled(all.map((r) => r.finished));
  }

  private run(jobId: number): void {
    const job = this.catalog.jobs.claim(jobId);
    const handle = startWorkerTask(
      'catalog.import',
      { catalogFile: this.catalog.file, thumbnailsDir: this.ctx.home.thumbnailsDir, jobId: job.id },
      { onProgress: (p) => this.ctx.emit('importProgress', p) },
    );
    const finished = handle.result.then(
      () => this.end(jobId, 'done'),
      (err: unknown) => {
        const cancelled = err instanceof StudioError && err.code === 'cancelled';
        if (cancelled) return this.end(jobId, this.closing ? 'interrupted' : 'cancelled', this.closing ? 'the studio closed' : 'cancelled');
        return this.end(jobId, 'failed', err instanceof Error ? err.message : String(err));
      },
    );
    this.running.set(jobId, { handle, finished });
  }

  private end(jobId: number, state: 'done' | 'failed' | 'cancelled' | 'interrupted', error?: string): ImportSummary {
    this.running.delete(jobId);
    const before = importSummary(this.catalog, jobId);
    // An import that brought nothing in failed, whatever each file said: never a "done" over zero results.
    if (state === 'done' && before.added === 0 && before.skipped === 0) {
      state = 'failed';
      const input = importInputOf(this.catalog.jobs.require(jobId));
      const drop = input.createdDataset === true && this.catalog.datasets.stats(input.datasetId).images === 0;
      if (drop) this.catalog.datasets.remove(input.datasetId);
      error = `${nothingImported(before)}${drop ? `; dataset ${input.dataset} was not created` : ''}`;
    }
    const result = { added: before.added, skipped: before.skipped, failed: before.failed.length, total: before.total };
    this.catalog.jobs.finish(jobId, state, { result, ...(error ? { error } : {}) });
    const summary = importSummary(this.catalog, jobId);
    this.ctx.emit('importFinished', summary);
    return summary;
  }
}

/** Why an import brought nothing in, in one line. */
function nothingImported(s: ImportSummary): string {
  if (s.total === 0) return `nothing imported: no image files in the given paths (looked for ${[...IMAGE_EXTENSIONS].join(', ')})`;
  const first = s.failed[0];
  return `nothing imported: ${s.failed.length === 1 ? 'the one file' : `all ${s.failed.length} files`} failed${first ? ` (${first.error})` : ''}`;
}

export function importJobs(ctx: CoreContext): ImportJobs {
  return ctx.resource(
    'catalog.importJobs',
    () => new ImportJobs(ctx),
    (jobs) => jobs.dispose(),
  );
}
