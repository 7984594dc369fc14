// An import job's summary, computed from its item records, so it is the same whether the job
// ran in one go or was resumed after a crash.
import type { ImportSummary } from '../../contract/catalog.js';
import type { Catalog } from '../catalog.js';
import { importInputOf } from './job-input.js';

export function importSummary(catalog: Catalog, jobId: number): ImportSummary {
  const job = catalog.jobs.require(jobId);
  const input = importInputOf(job);
  const counts = catalog.jobs.countItems(jobId);
  const failed = catalog.jobs.items(jobId, 'failed').map((i) => ({ path: i.key, error: i.message ?? `${i.key}: failed` }));
  return {
    jobId,
    dataset: input.dataset,
    datasetId: input.datasetId,
    state: job.state,
    total: job.total ?? counts.done + counts.skipped + counts.failed,
    added: counts.done,
    skipped: counts.skipped,
    failed,
    ...(job.error ? { error: job.error } : {}),
  };
}
