// One registry of the catalog's job kinds: for each kind, how to resume, cancel and pause its jobs
// (each domain owns its runner; this only dispatches). resumeJob, cancelJob and pauseJob, and the
// studio start that runs jobs left queued, all go through here, so a new kind is one entry.
import { IMPORT_JOB_KIND } from '../catalog/import/job-input.js';
import { importJobs } from '../catalog/import-jobs.js';
import { getCatalog } from '../catalog/index.js';
import { BATCH_JOB_KINDS } from '../batch/job-input.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { TRAIN_JOB_KIND, trainJobs } from '../engine/train-jobs.js';
import { CODE_SIZE_JOB_KIND, codeSizeJobs } from '../metrics/code-size.js';
import { EVAL_JOB_KIND, evalJobs } from '../metrics/eval-jobs.js';
import { queueBatches } from '../queue/studio-batches.js';
import { REMOTE_TRAIN_JOB_KIND, remoteTrainings } from '../remote/remote-train.js';
import { batchQueue } from './queue.js';

export interface JobKind {
  /** How messages name a job of this kind. */
  label: string;
  /** Continues the job where it stopped; returns its state now ('running', or 'queued' behind others). */
  resume(ctx: CoreContext, jobId: number): JobState;
  /** Stops it after the work in progress; false when there was nothing of it running to stop. */
  cancel(ctx: CoreContext, jobId: number): boolean;
  /** Holds it after the work in progress (absent: the kind cannot pause). */
  pause?(ctx: CoreContext, jobId: number): JobState;
  /** Studio start: runs this kind's jobs a previous process left 'queued' (absent: each is resumed). */
  restore?(ctx: CoreContext): number[];
}

/** A batch this studio is sending to the queue (queue/studio-batches.ts) never runs here as well. */
const onQueue = (ctx: CoreContext, id: number) => queueBatches(ctx).kindOf(id) !== undefined;

const batch: JobKind = {
  label: 'batch',
  resume: (ctx, id) => (onQueue(ctx, id) ? 'running' : batchQueue(ctx).resume(id).state),
  cancel: (ctx, id) => (onQueue(ctx, id) ? queueBatches(ctx).cancel(id) : batchQueue(ctx).cancel(id).cancelled),
  pause: (ctx, id) => {
    if (onQueue(ctx, id))
      throw new StudioError(
        'unsupported',
        `job ${id} runs on the queue's workers, which do not pause: cancelJob takes its waiting files off the queue and resumeJob puts them back`,
      );
    return batchQueue(ctx).pause(id).state;
  },
  restore: (ctx) => batchQueue(ctx).restore(),
};

export const JOB_KINDS: Readonly<Record<string, JobKind>> = {
  [IMPORT_JOB_KIND]: {
    label: 'import',
    resume: (ctx, id) => (importJobs(ctx).resume(id), 'running'),
    cancel: (ctx, id) => importJobs(ctx).cancel(id),
  },
  [BATCH_JOB_KINDS.compress]: batch,
  [BATCH_JOB_KINDS.decompress]: batch,
  [TRAIN_JOB_KIND]: {
    label: 'training',
    resume: (ctx, id) => trainJobs(ctx).resume(id),
    cancel: (ctx, id) => trainJobs(ctx).cancel(id),
    pause: (ctx, id) => trainJobs(ctx).pause(id),
  },
  [REMOTE_TRAIN_JOB_KIND]: {
    label: 'training on the training host',
    resume: (ctx, id) => remoteTrainings(ctx).resume(id),
    cancel: (ctx, id) => remoteTrainings(ctx).cancel(id),
  },
  [EVAL_JOB_KIND]: {
    label: 'evaluation',
    resume: (ctx, id) => (evalJobs(ctx).resume(id), 'running'),
    cancel: (ctx, id) => evalJobs(ctx).cancel(id),
  },
  [CODE_SIZE_JOB_KIND]: {
    label: 'code-size sweep',
    resume: (ctx, id) => (codeSizeJobs(ctx).resume(id), 'running'),
    cancel: (ctx, id) => codeSizeJobs(ctx).cancel(id),
  },
};

function kindOf(ctx: CoreContext, jobId: number): { kind: string; ops: JobKind } {
  const job = getCatalog(ctx).jobs.require(jobId);
  const ops = JOB_KINDS[job.kind];
  if (!ops) throw new StudioError('unsupported', `job ${jobId}: this studio does not know ${job.kind} jobs`);
  return { kind: job.kind, ops };
}

export function resumeJob(ctx: CoreContext, jobId: number): { jobId: number; kind: string; state: JobState } {
  const { kind, ops } = kindOf(ctx, jobId);
  return { jobId, kind, state: ops.resume(ctx, jobId) };
}

export function cancelJob(ctx: CoreContext, jobId: number): { jobId: number; cancelled: boolean; state: JobState } {
  const { ops } = kindOf(ctx, jobId);
  let cancelled = ops.cancel(ctx, jobId);
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

export function pauseJob(ctx: CoreContext, jobId: number): { jobId: number; state: JobState } {
  const { ops } = kindOf(ctx, jobId);
  if (!ops.pause)
    throw new StudioError(
      'unsupported',
      `job ${jobId}: ${ops.label} jobs cannot be paused; cancelJob stops one and resumeJob continues it later`,
    );
  return { jobId, state: ops.pause(ctx, jobId) };
}

/**
 * Studio start: runs every job a previous process left 'queued', of any kind. Interrupted jobs are
 * not touched: listJobs shows them (resumable) and resumeJob continues them when the user asks.
 */
export function restoreQueuedJobs(ctx: CoreContext): number[] {
  const catalog = getCatalog(ctx);
  catalog.jobs.recoverAbandoned();
  const queued = catalog.jobs.list({ state: 'queued', limit: 1000 });
  const started: number[] = [];
  const restored = new Set<JobKind>();
  for (const job of [...queued].reverse()) {
    const ops = JOB_KINDS[job.kind];
    if (!ops) continue;
    try {
      if (ops.restore) {
        if (!restored.has(ops)) started.push(...ops.restore(ctx));
        restored.add(ops);
      } else {
        ops.resume(ctx, job.id);
        started.push(job.id);
      }
    } catch (err) {
      // One job that cannot run (its model deleted meanwhile, say) must not keep the others from
      // starting; it is marked failed with the reason so listJobs says why it did not run.
      const live = catalog.jobs.get(job.id);
      if (live?.state === 'queued') catalog.jobs.finish(job.id, 'failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  return started;
}
