// Queue batches a studio submits through the contract (startQueueBatch; the Batch view's "Run on
// workers"): the same job as `compress|decompress --queue` (queue-batch-job.ts, on the runner), on
// the queue URL saved in the settings, with its progress and end as the studio's jobProgress /
// jobFinished events and the queue's outages as warnings in its log. Pausing, cancelling and
// awaiting it are the generic job methods.
import type { BatchRequest, BatchStarted } from '../contract/batch.js';
import type { CoreContext } from '../context.js';
import { settingsTarget, startQueueBatch } from './queue-batch-job.js';

/** Claims the job and starts placing its files on the settings' queue; resolves once the job is claimed. */
export async function startStudioQueueBatch(ctx: CoreContext, req: BatchRequest): Promise<BatchStarted> {
  // Read first: without a queue, no job is made.
  return startQueueBatch(ctx, req, await settingsTarget(ctx));
}
