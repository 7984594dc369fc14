// Tests' side of the generic job contract (contract/jobs.ts): a job's outcome or result through
// awaitJob, refusing a job of another kind, and one kind's progress or end payloads out of the
// jobProgress / jobFinished events.
import { StudioError } from '../../src-main/core/contract/errors.js';
import type { JobKind, JobKindPayloads, JobOutcome } from '../../src-main/core/contract/jobs.js';
import type { Studio } from '../../src-main/core/studio.js';

/** One kind or several (a batch of either direction). */
export type Kinds<K extends JobKind> = K | readonly K[];

function isOf<K extends JobKind>(kinds: Kinds<K>, kind: JobKind): kind is K {
  return typeof kinds === 'string' ? kinds === kind : (kinds as readonly JobKind[]).includes(kind);
}

/** awaitJob's answer for a job of these kinds (another kind throws). */
export async function jobOutcome<K extends JobKind>(
  studio: Studio,
  kinds: Kinds<K>,
  jobId: number,
): Promise<Extract<JobOutcome, { kind: K }>> {
  const o = await studio.call('awaitJob', { jobId });
  if (!isOf(kinds, o.kind)) throw new Error(`job ${jobId} is a ${o.kind} job, not ${String(kinds)}`);
  return o as Extract<JobOutcome, { kind: K }>;
}

/**
 * The job's result once it has ended (import and batch: their summary, whatever the end). A job
 * that ended without one throws why: code 'cancelled' when it was cancelled, 'failed' otherwise.
 */
export async function jobResult<K extends JobKind>(studio: Studio, kinds: Kinds<K>, jobId: number): Promise<JobKindPayloads[K]['result']> {
  const o = await jobOutcome(studio, kinds, jobId);
  if (o.result !== undefined) return o.result as JobKindPayloads[K]['result'];
  if (o.state === 'cancelled') throw new StudioError('cancelled', `job ${jobId} was cancelled`);
  throw new StudioError('internal', `job ${jobId} ${o.state}: ${o.error ?? 'no result'}`);
}

/** Calls `listener` with the progress of every job of these kinds; returns the unsubscribe. */
export function onJobProgress<K extends JobKind>(
  studio: Studio,
  kinds: Kinds<K>,
  listener: (payload: JobKindPayloads[K]['progress'], jobId: number) => void,
): () => void {
  return studio.on('jobProgress', (e) => {
    if (isOf(kinds, e.kind)) listener(e.payload as JobKindPayloads[K]['progress'], e.jobId);
  });
}

/** Calls `listener` with the end payload of every job of these kinds; returns the unsubscribe. */
export function onJobFinished<K extends JobKind>(
  studio: Studio,
  kinds: Kinds<K>,
  listener: (payload: JobKindPayloads[K]['finished'], jobId: number) => void,
): () => void {
  return studio.on('jobFinished', (e) => {
    if (isOf(kinds, e.kind)) listener(e.payload as JobKindPayloads[K]['finished'], e.jobId);
  });
}

/** Collects the progress or end payloads of every job of these kinds. */
export function collectJobEvents<K extends JobKind, W extends 'progress' | 'finished'>(
  studio: Studio,
  kinds: Kinds<K>,
  which: W,
): { events: JobKindPayloads[K][W][]; off: () => void } {
  const events: JobKindPayloads[K][W][] = [];
  const push = (p: JobKindPayloads[K][W]) => void events.push(p);
  const off =
    which === 'progress'
      ? onJobProgress(studio, kinds, push as (p: JobKindPayloads[K]['progress']) => void)
      : onJobFinished(studio, kinds, push as (p: JobKindPayloads[K]['finished']) => void);
  return { events, off };
}

/** The batch kinds, both directions. */
export const BATCH_KINDS = ['batch.compress', 'batch.decompress'] as const;
