// The contract's generic job methods (contract/jobs.ts), for a job of any kind.
import type { jobMethods } from '../contract/jobs.js';
import type { Handlers } from '../context.js';
import { awaitJob, cancelJob, pauseJob, resumeJob } from './job-kinds.js';

export const jobHandlers: Handlers<typeof jobMethods> = {
  pauseJob: (req, ctx) => pauseJob(ctx, req.jobId),
  resumeJob: (req, ctx) => resumeJob(ctx, req.jobId),
  cancelJob: (req, ctx) => cancelJob(ctx, req.jobId),
  awaitJob: (req, ctx) => awaitJob(ctx, req.jobId),
};
