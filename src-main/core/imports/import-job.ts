// The import job kind ('import', progress = files): its declaration for the generic runner and
// the calls that start and await one. The worker task (catalog/import-task.ts) walks the paths
// and records each file (its image row and its job item in one transaction); the runner records
// how the job ended. An import that brought nothing in failed, whatever each file said.
import type { Catalog } from '../catalog/index.js';
import { IMPORT_JOB_KIND, importJobInput, type ImportJobInput } from '../catalog/import/job-input.js';
import { importSummary } from '../catalog/import/summary.js';
import { importTask } from '../catalog/tasks.js';
import type { ImportStarted, ImportSummary } from '../contract/catalog.js';
import type { CoreContext } from '../context.js';
import { IMAGE_EXTENSIONS } from '../input/extensions.js';
import { declareJob, type WorkEnd } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { startWorkerTask } from '../workers/host.js';

export { IMPORT_JOB_KIND };

export const importJob = declareJob({
  kind: 'import',
  label: 'import',
  input: importJobInput,
  run(run) {
    return startWorkerTask(
      importTask,
      { catalogFile: run.catalog.file, thumbnailsDir: run.ctx.home.thumbnailsDir, jobId: run.jobId },
      { onProgress: (p) => run.progress(p) },
    );
  },
  end(run, end: WorkEnd<unknown>) {
    const { catalog, jobId, input } = run;
    const before = importSummary(catalog, jobId);
    let state = end.ok ? ('done' as const) : end.state;
    let error = end.ok ? undefined : end.error;
    if (state === 'done' && before.added === 0 && before.skipped === 0) {
      state = 'failed';
      const drop = input.createdDataset === true && catalog.datasets.stats(input.datasetId).images === 0;
      if (drop) catalog.datasets.remove(input.datasetId);
      error = `${nothingImported(before)}${drop ? `; dataset ${input.dataset} was not created` : ''}`;
    }
    const stored = { added: before.added, skipped: before.skipped, failed: before.failed.length, total: before.total };
    // The summary as the job row will read once the runner has recorded this end.
    const summary: ImportSummary = { ...before, state, ...(error ? { error } : {}) };
    if (!error) delete summary.error;
    return { state, stored, ...(error ? { error } : {}), finished: summary, result: summary };
  },
  stored: (catalog, job) => importSummary(catalog, job.id),
});

/** Why an import brought nothing in, in one line. */
function nothingImported(s: ImportSummary): string {
  if (s.total === 0) return `nothing imported: no image files in the given paths (looked for ${[...IMAGE_EXTENSIONS].join(', ')})`;
  const first = s.failed[0];
  return `nothing imported: ${s.failed.length === 1 ? 'the one file' : `all ${s.failed.length} files`} failed${first ? ` (${first.error})` : ''}`;
}

/** Import jobs on the studio's job runner. */
export function importJobs(ctx: CoreContext) {
  const runner = jobRunner(ctx);
  const catalog: Catalog = runner.catalogOf();
  return {
    /** Creates the dataset if needed and a job for these paths, and starts it. */
    start(request: { paths: string[]; dataset: string; description?: string; maxPixels?: number }): ImportStarted {
      const existed = catalog.datasets.byName(request.dataset) !== undefined;
      const dataset = catalog.datasets.ensure(request.dataset, request.description ?? '');
      const input: ImportJobInput = {
        datasetId: dataset.id,
        dataset: dataset.name,
        paths: request.paths,
        createdDataset: !existed,
        ...(request.maxPixels !== undefined ? { maxPixels: request.maxPixels } : {}),
      };
      const { jobId } = runner.start(importJob, input);
      return { jobId, dataset: dataset.name, datasetId: dataset.id };
    },
    isRunning: (jobId: number): boolean => runner.isLive(jobId),
    /** The summary when the job ends here, or the stored one. */
    async wait(jobId: number): Promise<ImportSummary> {
      const o = await runner.wait(importJob, jobId);
      return o.result as ImportSummary;
    },
  };
}
