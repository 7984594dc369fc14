// The one registry of the catalog's job kinds, generated from each kind's declaration (run by the
// generic runner, jobs/runner.ts). resumeJob, cancelJob, pauseJob and awaitJob, and the studio
// start that runs jobs left queued, all go through here. A batch this studio sends to the Redis
// queue is still the queue's own (legacy-kinds.ts); every other job is the runner's.
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
import { remoteTrainJob } from '../remote/remote-train.js';
import { withQueueBatches, type KindOps } from './legacy-kinds.js';

/** Every kind the runner runs from its declaration. */
export const JOB_DECLARATIONS: readonly AnyJobDeclaration[] = [
  importJob,
  trainJob,
  remoteTrainJob,
  batchCompressJob,
  batchDecompressJob,
  evalJob,
  codeSizeJob,
];

function opsOf(decl: AnyJobDeclaration): KindOps {
  return {
    label: decl.label,
    resume: (ctx, id) => jobRunner(ctx).resume(decl, id),
    cancel: (ctx, id) => jobRunner(ctx).cancel(decl, id),
    pause: (ctx, id) => jobRunner(ctx).pause(decl, id),
    wait: (ctx, id) => jobRunner(ctx).wait(decl, id),
  };
}

const DECLARED = Object.fromEntries(JOB_DECLARATIONS.map((d) => [d.kind, opsOf(d)])) as Partial<Record<JobKind, KindOps>>;

export const JOB_KINDS: Readonly<Record<JobKind, KindOps>> = {
  ...DECLARED,
  'batch.compress': withQueueBatches('batch.compress', DECLARED['batch.compress']!),
  'batch.decompress': withQueueBatches('batch.decompress', DECLARED['batch.decompress']!),
} as Record<JobKind, KindOps>;

for (const k of JOB_KIND_NAMES) if (!JOB_KINDS[k]) throw new Error(`job kind ${k} has no declaration`);

function kindOf(ctx: CoreContext, jobId: number): { kind: JobKind; ops: KindOps } {
  const job = getCatalog(ctx).jobs.require(jobId);
  const ops = (JOB_KINDS as Record<string, KindOps | undefined>)[job.kind];
  if (!ops) throw new StudioError('unsupported', `job ${jobId}: this studio does not know ${job.kind} jobs`);
  return { kind: job.kind as JobKind, ops };
}

export async function resumeJob(ctx: CoreContext, jobId: number): Promise<{ jobId: number; kind: string; state: JobState }> {
  const { kind, ops } = kindOf(ctx, jobId);
  return { jobId, kind, state: await ops.resume(ctx, jobId) };
}

export async function cancelJob(ctx: CoreContext, jobId: number): Promise<{ jobId: number; cancelled: boolean; state: JobState }> {
  const { ops } = kindOf(ctx, jobId);
  let cancelled = await ops.cancel(ctx, jobId);
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
  const { ops } = kindOf(ctx, jobId);
  if (!ops.pause)
    throw new StudioError(
      'unsupported',
      `job ${jobId}: ${ops.label} jobs cannot be paused; cancelJob stops one and resumeJob continues it later`,
    );
  return { jobId, state: await ops.pause(ctx, jobId) };
}

export function awaitJob(ctx: CoreContext, jobId: number): Promise<JobOutcome> {
  return kindOf(ctx, jobId).ops.wait(ctx, jobId);
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
    const ops = (JOB_KINDS as Record<string, KindOps | undefined>)[job.kind];
    if (!ops) continue;
    try {
      await ops.resume(ctx, job.id);
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
