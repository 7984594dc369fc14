// Batches on the Redis queue (queue/studio-batches.ts) still have their own runner: a batch this
// studio is sending to the queue is the queue's, any other batch job is the generic runner's
// (batch/queue.ts). What keeps it here: queue/submit.ts, shared with `compress|decompress --queue`,
// creates, claims and finishes the job row itself, and the runner has no way to take over a job
// that another part has already claimed.
import { batchSummary } from '../batch/summary.js';
import { getCatalog } from '../catalog/index.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { JobEndState, JobKind, JobOutcome } from '../contract/jobs.js';
import type { CoreContext } from '../context.js';
import { queueBatches } from '../queue/studio-batches.js';

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
}

/** A batch this studio is sending to the queue never runs here as well. */
const onQueue = (ctx: CoreContext, id: number) => queueBatches(ctx).kindOf(id) !== undefined;

/** A queue batch's outcome: its summary when the submission ends, with the ended job row's state. */
async function queueOutcome(ctx: CoreContext, jobId: number, kind: JobKind, end: Promise<unknown>): Promise<JobOutcome> {
  const result = await end;
  const catalog = getCatalog(ctx);
  const job = catalog.jobs.require(jobId);
  return {
    jobId,
    kind,
    state: (['done', 'failed', 'cancelled', 'interrupted'].includes(job.state) ? job.state : 'interrupted') as JobEndState,
    result: result ?? batchSummary(catalog, job),
    ...(job.error ? { error: job.error } : {}),
  } as JobOutcome;
}

/** The batch kind's operations: the queue's for a batch this studio sends there, else the runner's. */
export function withQueueBatches(kind: JobKind, local: KindOps): KindOps {
  return {
    label: local.label,
    resume: (ctx, id) => (onQueue(ctx, id) ? 'running' : local.resume(ctx, id)),
    cancel: (ctx, id) => (onQueue(ctx, id) ? queueBatches(ctx).cancel(id) : local.cancel(ctx, id)),
    pause: (ctx, id) => {
      if (onQueue(ctx, id))
        throw new StudioError(
          'unsupported',
          `job ${id} runs on the queue's workers, which do not pause: cancelJob takes its waiting files off the queue and resumeJob puts them back`,
        );
      return local.pause!(ctx, id);
    },
    wait: (ctx, id) => {
      const end = queueBatches(ctx).wait(id);
      return end ? queueOutcome(ctx, id, kind, end) : local.wait(ctx, id);
    },
  };
}
