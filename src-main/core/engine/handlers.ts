// Handlers for the engine fragment of the contract.
import type { engineMethods } from '../contract/engine.js';
import type { Handlers } from '../context.js';
import { startWorkerTask } from '../workers/host.js';
import { backendTask } from './tasks.js';
import type { BackendInfo } from './backend.js';
import { trainJobs } from './train-jobs.js';
import { pixelLimit } from '../settings/pixel-limit.js';

export const engineHandlers: Handlers<typeof engineMethods> = {
  async getBackendInfo(_req, ctx) {
    // Asked once per studio, of a worker thread: where the work runs, and no tfjs in this process.
    return ctx.resource<Promise<BackendInfo>>('engine.backend', () => startWorkerTask(backendTask, {}).result);
  },
  async trainModel(req, ctx) {
    return { jobId: trainJobs(ctx).start(req, await pixelLimit(ctx.home)) };
  },
};
