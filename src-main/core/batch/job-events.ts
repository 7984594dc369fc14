// A batch job's events, the generic job events (contract/jobs.ts) of kind batch.compress or
// batch.decompress. Local batches (run-job.ts, queue.ts) and queue batches
// (queue/studio-batches.ts) emit through here.
import type { BatchFinished, BatchKind, BatchProgress } from '../contract/batch.js';
import type { JobState } from '../contract/catalog.js';
import type { CoreContext } from '../context.js';

const jobKind = (kind: BatchKind) => (kind === 'compress' ? ('batch.compress' as const) : ('batch.decompress' as const));

export function emitBatchProgress(ctx: CoreContext, p: BatchProgress): void {
  ctx.emit('jobProgress', { jobId: p.jobId, kind: jobKind(p.kind), payload: p });
}

/** The state as the work acknowledged it (paused: every worker has stopped). */
export function emitBatchState(ctx: CoreContext, jobId: number, kind: BatchKind, state: JobState): void {
  ctx.emit('jobState', { jobId, kind: jobKind(kind), state });
}

export function emitBatchFinished(ctx: CoreContext, f: BatchFinished): void {
  ctx.emit('jobState', { jobId: f.jobId, kind: jobKind(f.kind), state: f.state });
  ctx.emit('jobFinished', { jobId: f.jobId, kind: jobKind(f.kind), payload: f });
}
