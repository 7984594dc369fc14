// Contract handlers for batch jobs (see contract/batch.ts). cancelJob also reaches the import and
// eval job runners, so the UI has one way to stop any job of the catalog.
import { getCatalog } from '../catalog/index.js';
import { importJobs } from '../catalog/import-jobs.js';
import { IMPORT_JOB_KIND } from '../catalog/import/job-input.js';
import type { batchMethods } from '../contract/batch.js';
import { StudioError } from '../contract/errors.js';
import type { Handlers } from '../context.js';
import { batchQueue } from '../jobs/queue.js';
import { EVAL_JOB_KIND, evalJobs } from '../metrics/eval-jobs.js';
import { isBatchJobKind } from './job-input.js';

export const batchHandlers: Handlers<typeof batchMethods> = {
  async startBatch(req, ctx) {
    return batchQueue(ctx).start(req);
  },

  async awaitBatch(req, ctx) {
    return batchQueue(ctx).wait(req.jobId);
  },

  async getBatch(req, ctx) {
    return batchQueue(ctx).summary(req.jobId);
  },

  async pauseJob(req, ctx) {
    return batchQueue(ctx).pause(req.jobId);
  },

  async resumeBatch(req, ctx) {
    return batchQueue(ctx).resume(req.jobId);
  },

  async cancelJob(req, ctx) {
    const job = getCatalog(ctx).jobs.require(req.jobId);
    if (isBatchJobKind(job.kind)) return batchQueue(ctx).cancel(req.jobId);
    let cancelled: boolean;
    if (job.kind === IMPORT_JOB_KIND) cancelled = importJobs(ctx).cancel(req.jobId);
    else if (job.kind === EVAL_JOB_KIND) cancelled = evalJobs(ctx).cancel(req.jobId);
    else throw new StudioError('unsupported', `job ${job.id}: ${job.kind} jobs cannot be cancelled here`);
    return { jobId: job.id, cancelled, state: getCatalog(ctx).jobs.require(req.jobId).state };
  },
};
