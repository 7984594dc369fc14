// The CLI's side of the generic job contract (contract/jobs.ts): one kind's progress out of the
// jobProgress events, and awaitJob's result with the job's own words when there is none.
import { StudioError } from '../core/contract/errors.js';
import type { JobKind, JobKindPayloads } from '../core/contract/jobs.js';
import type { Studio } from '../core/studio.js';

/** Calls `listener` with the progress of this job's kinds; returns the unsubscribe. */
export function onJobProgress<K extends JobKind>(
  studio: Studio,
  kinds: readonly K[],
  listener: (jobId: number, payload: JobKindPayloads[K]['progress']) => void,
): () => void {
  return studio.on('jobProgress', (e) => {
    if ((kinds as readonly JobKind[]).includes(e.kind)) listener(e.jobId, e.payload as JobKindPayloads[K]['progress']);
  });
}

/** The job's result once it has ended; a job that ended without one throws why (code 'cancelled' when cancelled). */
export async function jobResult<K extends JobKind>(studio: Studio, jobId: number, kinds: readonly K[]): Promise<JobKindPayloads[K]['result']> {
  const o = await studio.call('awaitJob', { jobId });
  if (!(kinds as readonly JobKind[]).includes(o.kind)) throw new StudioError('bad-request', `job ${jobId} is a ${o.kind} job`);
  if (o.result !== undefined) return o.result as JobKindPayloads[K]['result'];
  if (o.state === 'cancelled') throw new StudioError('cancelled', `job ${jobId} was cancelled`);
  throw new StudioError('internal', o.error ?? `job ${jobId} ${o.state}`);
}
