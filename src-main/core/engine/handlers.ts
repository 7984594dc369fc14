// Handlers for the engine fragment of the contract.
import type { engineMethods } from '../contract/engine.js';
import type { Handlers } from '../context.js';
import { startWorkerTask } from '../jobs/worker-host.js';
import type { BackendInfo } from './backend.js';
import { trainJobs } from './train-jobs.js';

export const engineHandlers: Handlers<typeof engineMethods> = {
  async getBackendInfo(_req, ctx) {
    // Asked once per studio, of a worker thread: where the work runs, and no tfjs in this process.
    return ctx.resource<Promise<BackendInfo>>('engine.backend', () => startWorkerTask('engine.backend', {}).result);
  },
  async trainModel(req, ctx) {
    return { jobId: trainJobs(ctx).start(req) };
  },
  async awaitTraining(req, ctx) {
    return trainJobs(ctx).wait(req.jobId);
  },
  async pauseTraining(req, ctx) {
    trainJobs(ctx).pause(req.jobId);
    return { paused: true };
  },
  async resumeTraining(req, ctx) {
    trainJobs(ctx).resume(req.jobId);
    return { resumed: true };
  },
  async cancelTraining(req, ctx) {
    return { cancelled: trainJobs(ctx).cancel(req.jobId) };
  },
};
