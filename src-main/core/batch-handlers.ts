// Contract handlers for batch jobs (see contract/batch.ts). Pausing, cancelling, resuming and
// awaiting a batch are the generic job methods (registry/job-handlers.ts).
import type { batchMethods } from './contract/batch.js';
import type { Handlers } from './context.js';
import { batchQueue } from './batch/queue.js';
import { startStudioQueueBatch } from './queue/studio-batches.js';
import { pixelLimit } from './settings/pixel-limit.js';

export const batchHandlers: Handlers<typeof batchMethods> = {
  // The job keeps the limit it started with (the settings' when the request gives none): a resume reads the same.
  async startBatch(req, ctx) {
    return batchQueue(ctx).start({ ...req, maxPixels: await pixelLimit(ctx.home, req.maxPixels) });
  },

  async startQueueBatch(req, ctx) {
    return startStudioQueueBatch(ctx, { ...req, maxPixels: await pixelLimit(ctx.home, req.maxPixels) });
  },

  async getBatch(req, ctx) {
    return batchQueue(ctx).summary(req.jobId);
  },
};
