// Handlers for the remote fragment of the contract (contract/remote.ts).
import type { remoteMethods } from '../contract/remote.js';
import type { Handlers } from '../context.js';
import { remoteTrainings } from './remote-train.js';

export const remoteHandlers: Handlers<typeof remoteMethods> = {
  async trainOnHost(req, ctx) {
    return { jobId: await remoteTrainings(ctx).start(req) };
  },
};
