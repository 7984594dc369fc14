// The one registry of the catalog's job kinds, generated from each kind's declaration (run by the
// generic runner, jobs/runner.ts). resumeJob, cancelJob, pauseJob and awaitJob, and the studio
// start that runs jobs left queued, all go through here, for every kind. A kind has one
// declaration a job of it runs on by default; a batch sent to the Redis queue runs on another
// (queue/queue-batch-job.ts), which the runner knows while that job is live here.
import { batchCompressJob, batchDecompressJob } from '../batch/queue.js';
import { getCatalog } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import type { JobState } from '../contract/catalog.js';
import { JOB_KIND_NAMES, type JobKind, type JobOutcome } from '../contract/jobs.js';
import type { CoreContext } from '../context.js';
import { trainJob } from '../engine/train-jobs.js';
import { importJob } from '../imports/import-job.js';
import type { AnyJobDeclaration } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { codeSizeJob } from '../metrics/code-size.js';
import { evalJob } from '../metrics/eval-jobs.js';
import { queueCompressJob, queueDecompressJob } from '../queue/queue-batch-job.js';
import { remoteTrainJob } from '../remote/remote-train.js';

/** Each kind's default declaration: a job that does not run here is resumed (and restored) on it. */
export const JOB_DECLARATIONS: readonly AnyJobDeclaration[] = [
  importJob,
  trainJob,
  remoteTrainJob,
  batchCompressJob,
  batchDecompressJob,
  evalJob,
  codeSizeJob,
];

/**
 * Declarations a job runs on only when it is started through them: a batch sent to the Redis queue
 * (startQueueBatch, `--queue`). Stopped, it is continued on the queue by sending it again; resumeJob
 * runs it on its kind's default (the local pool), as it does any stopped batch.
 */
export const STARTED_ONLY_DECLARATIONS: readonly AnyJobDeclaration[] = [queueCompressJob, queueDecompressJob];

const BY_KIND = new Map<string, AnyJobDeclaration>(JOB_DECLARATIONS.map((d) => [d.kind, d]));
if (BY_KIND.size !== JOB_DECLARATIONS.length) throw new Error('two default declarations share a job kind');
for (const k of JOB_KIND_NAMES) if (!BY_KIND.has(k)) throw new Error(`job kind ${k} has no declaration`);
for (const d of STARTED_ONLY_DECLARATIONS) if (!BY_KIND.has(d.kind)) throw new Error(`job kind ${d.kind} has no default declaration`);

/** The job's kind, and the declaration its operations go to: the one it runs on here, else its kind's. */
function declarationOf(ctx: CoreContext, jobId: number): { kind: JobKind; decl: AnyJobDeclaration } {
  const job = getCatalog(ctx).jobs.require(jobId);
  const decl = jobRunner(ctx).declarationOf(jobId) ?? BY_KIND.get(job.kind);
  if (!decl) throw new StudioError('unsupported', `job ${jobId}: this studio does not know ${job.kind} jobs`);
  return { kind: decl.kind, decl };
}

export async function resumeJob(ctx: CoreContext, jobId: number): Promise<{ jobId: number; kind: string; state: JobState }> {
  const { kind, decl } = declarationOf(ctx, jobId);
  return { jobId, kind, state: await jobRunner(ctx).resume(decl, jobId) };
}

export async function cancelJob(ctx: CoreContext, jobId: number): Promise<{ jobId: number; cancelled: boolean; state: JobState }> {
  const { decl } = declarationOf(ctx, jobId);
  let cancelled = await jobRunner(ctx).cancel(decl, jobId);
  const catalog = getCatalog(ctx);
  const job = catalog.jobs.require(jobId);
  // Nothing of it runs here and no process holds it (interrupted, or queued by a process now gone):
  // cancelling it only records that nobody means to resume it.
  if (!cancelled && (job.state === 'interrupted' || (job.state === 'queued' && job.pid !== process.pid))) {
    catalog.jobs.finish(jobId, 'cancelled', { error: 'cancelled', ...(job.result ? { result: job.result } : {}) });
    cancelled = true;
  }
  return { jobId, cancelled, state: catalog.jobs.require(jobId).state };
}

export async function pauseJob(ctx: CoreContext, jobId: number): Promise<{ jobId: number; state: JobState }> {
  // A kind that cannot pause (or a job that cannot now) is refused by the runner, in one line.
  const { decl } = declarationOf(ctx, jobId);
  return { jobId, state: await jobRunner(ctx).pause(decl, jobId) };
}

export function awaitJob(ctx: CoreContext, jobId: number): Promise<JobOutcome> {
  const { decl } = declarationOf(ctx, jobId);
  return jobRunner(ctx).wait(decl, jobId);
}

/**
 * Studio start: runs every job a previous process left 'queued', of any kind. Interrupted jobs are
 * not touched: listJobs shows them (resumable) and resumeJob continues them when the user asks.
 */
export async function restoreQueuedJobs(ctx: CoreContext): Promise<number[]> {
  const catalog = getCatalog(ctx);
  catalog.jobs.recoverAbandoned();
  const queued = catalog.jobs.list({ state: 'queued', limit: 1000 });
  const started: number[] = [];
  // Oldest first: jobs of one group (batches) queue again in the order they were queued.
  for (const job of [...queued].reverse()) {
    const decl = BY_KIND.get(job.kind);
    if (!decl) continue;
    try {
      await jobRunner(ctx).resume(decl, job.id);
      started.push(job.id);
    } catch (err) {
      // One job that cannot run (its model deleted meanwhile, say) must not keep the others from
      // starting; it is marked failed with the reason so listJobs says why it did not run.
      const live = catalog.jobs.get(job.id);
      if (live?.state === 'queued') catalog.jobs.finish(job.id, 'failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  return started;
}
