// Contract handlers for batch jobs (see contract/batch.ts). pauseJob and cancelJob take a job of
// any kind: jobs/kinds.ts hands them to the runner that owns the kind.
import type { batchMethods } from '../contract/batch.js';
import type { Handlers } from '../context.js';
import { cancelJob, pauseJob } from '../jobs/kinds.js';
import { batchQueue } from '../jobs/queue.js';
import { queueBatches } from '../queue/studio-batches.js';

export const batchHandlers: Handlers<typeof batchMethods> = {
  async startBatch(req, ctx) {
    return batchQueue(ctx).start(req);
  },

  async startQueueBatch(req, ctx) {
    return queueBatches(ctx).start(req);
  },

  async awaitBatch(req, ctx) {
    return queueBatches(ctx).wait(req.jobId) ?? batchQueue(ctx).wait(req.jobId);
  },

  async getBatch(req, ctx) {
    return batchQueue(ctx).summary(req.jobId);
  },

  async pauseJob(req, ctx) {
    return pauseJob(ctx, req.jobId);
  },

  async resumeBatch(req, ctx) {
    // A batch this studio is sending to the queue goes on there; it never runs here as well.
    const onQueue = queueBatches(ctx).kindOf(req.jobId);
    if (onQueue) return { jobId: req.jobId, kind: onQueue, state: 'running', resumed: false };
    return batchQueue(ctx).resume(req.jobId);
  },

  async cancelJob(req, ctx) {
    return cancelJob(ctx, req.jobId);
  },
};
