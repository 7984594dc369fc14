// Contract handlers for batch jobs (see contract/batch.ts). Pausing, cancelling and awaiting a
// batch are the generic job methods (registry/job-handlers.ts).
import type { batchMethods } from './contract/batch.js';
import type { Handlers } from './context.js';
import { batchQueue } from './batch/queue.js';
import { queueBatches } from './queue/studio-batches.js';
import { pixelLimit } from './settings/pixel-limit.js';

export const batchHandlers: Handlers<typeof batchMethods> = {
  // The job keeps the limit it started with (the settings' when the request gives none): a resume reads the same.
  async startBatch(req, ctx) {
    return batchQueue(ctx).start({ ...req, maxPixels: await pixelLimit(ctx.home, req.maxPixels) });
  },

  async startQueueBatch(req, ctx) {
    return queueBatches(ctx).start({ ...req, maxPixels: await pixelLimit(ctx.home, req.maxPixels) });
  },

  async awaitBatch(req, ctx) {
    return queueBatches(ctx).wait(req.jobId) ?? batchQueue(ctx).wait(req.jobId);
  },

  async getBatch(req, ctx) {
    return batchQueue(ctx).summary(req.jobId);
  },

  async resumeBatch(req, ctx) {
    // A batch this studio is sending to the queue goes on there; it never runs here as well.
    const onQueue = queueBatches(ctx).kindOf(req.jobId);
    if (onQueue) return { jobId: req.jobId, kind: onQueue, state: 'running', resumed: false };
    return batchQueue(ctx).resume(req.jobId);
  },
};
