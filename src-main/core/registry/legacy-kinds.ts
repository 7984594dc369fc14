// The kinds that still have their own runner (batch queue, evaluation, code-size sweep, training
// on the host), behind the operations every kind offers. Each moves to a declaration for the
// generic runner (jobs/declaration.ts) and out of this file.
import { batchSummary } from '../batch/summary.js';
import { getCatalog } from '../catalog/index.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { JobEndState, JobKind, JobOutcome } from '../contract/jobs.js';
import type { CoreContext } from '../context.js';
import { codeSizeJobs } from '../metrics/code-size.js';
import { evalJobs } from '../metrics/eval-jobs.js';
import { queueBatches } from '../queue/studio-batches.js';
import { remoteTrainings } from '../remote/remote-train.js';
import { batchQueue } from '../batch/queue.js';

export interface KindOps {
  /** How messages name a job of this kind. */
  label: string;
  /** Continues the job where it stopped; its state now ('running', or 'queued' behind others). */
  resume(ctx: CoreContext, jobId: number): JobState | Promise<JobState>;
  /** Stops it after the work in progress; false when there was nothing of it running to stop. */
  cancel(ctx: CoreContext, jobId: number): boolean | Promise<boolean>;
  /** Holds it after the work in progress, resolving once stopped (absent: the kind cannot pause). */
  pause?(ctx: CoreContext, jobId: number): JobState | Promise<JobState>;
  /** Resolves when the job ends (at once for an ended one). */
  wait(ctx: CoreContext, jobId: number): Promise<JobOutcome>;
  /** Studio start: runs this kind's jobs a previous process left 'queued' (absent: each is resumed). */
  restore?(ctx: CoreContext): number[];
}

const END_STATES: readonly string[] = ['done', 'failed', 'cancelled', 'interrupted'];

/** An outcome from a per-kind wait: its result, or, when it threw, the ended job row's state and error. */
async function outcome(ctx: CoreContext, jobId: number, kind: JobKind, wait: () => Promise<unknown>, always = false): Promise<JobOutcome> {
  let result: unknown;
  try {
    result = await wait();
  } catch (err) {
    const job = getCatalog(ctx).jobs.get(jobId);
    if (!job || !END_STATES.includes(job.state)) throw err;
  }
  const job = getCatalog(ctx).jobs.require(jobId);
  if (!END_STATES.includes(job.state)) throw new StudioError('conflict', `job ${jobId} is ${job.state}; resumeJob continues it`);
  return {
    jobId,
    kind,
    state: job.state as JobEndState,
    ...(result !== undefined && (always || job.state === 'done') ? { result } : {}),
    ...(job.error ? { error: job.error } : {}),
  } as JobOutcome;
}

/** A batch this studio is sending to the queue (queue/studio-batches.ts) never runs here as well. */
const onQueue = (ctx: CoreContext, id: number) => queueBatches(ctx).kindOf(id) !== undefined;

const batch = (kind: JobKind): KindOps => ({
  label: 'batch',
  resume: (ctx, id) => (onQueue(ctx, id) ? 'running' : batchQueue(ctx).resume(id).state),
  cancel: (ctx, id) => (onQueue(ctx, id) ? queueBatches(ctx).cancel(id) : batchQueue(ctx).cancel(id).cancelled),
  pause: async (ctx, id) => {
    if (onQueue(ctx, id))
      throw new StudioError(
        'unsupported',
        `job ${id} runs on the queue's workers, which do not pause: cancelJob takes its waiting files off the queue and resumeJob puts them back`,
      );
    return (await batchQueue(ctx).pause(id)).state;
  },
  wait: (ctx, id) =>
    outcome(
      ctx,
      id,
      kind,
      async () => (await (queueBatches(ctx).wait(id) ?? batchQueue(ctx).wait(id))) ?? batchSummary(getCatalog(ctx), getCatalog(ctx).jobs.require(id)),
      true,
    ),
  restore: (ctx) => batchQueue(ctx).restore(),
});

export const LEGACY_KINDS: Partial<Record<JobKind, KindOps>> = {
  'batch.compress': batch('batch.compress'),
  'batch.decompress': batch('batch.decompress'),
  'train.remote': {
    label: 'training on the training host',
    resume: (ctx, id) => remoteTrainings(ctx).resume(id),
    cancel: (ctx, id) => remoteTrainings(ctx).cancel(id),
    wait: (ctx, id) => outcome(ctx, id, 'train.remote', () => remoteTrainings(ctx).wait(id)),
  },
  eval: {
    label: 'evaluation',
    resume: (ctx, id) => (evalJobs(ctx).resume(id), 'running'),
    cancel: (ctx, id) => evalJobs(ctx).cancel(id),
    wait: (ctx, id) => outcome(ctx, id, 'eval', () => evalJobs(ctx).wait(id)),
  },
  'eval.codesize': {
    label: 'code-size sweep',
    resume: (ctx, id) => (codeSizeJobs(ctx).resume(id), 'running'),
    cancel: (ctx, id) => codeSizeJobs(ctx).cancel(id),
    wait: (ctx, id) => outcome(ctx, id, 'eval.codesize', () => codeSizeJobs(ctx).wait(id)),
  },
};
