// Every contract method's implementation, composed from one handler set per domain.
// The type below fails to compile if a method in api.ts has no handler.
import type { StudioMethods } from './api.js';
import { appHandlers } from './app-handlers.js';
import { batchHandlers } from './batch-handlers.js';
import { catalogHandlers } from './catalog/handlers.js';
import { codecHandlers } from './codec-handlers.js';
import type { Handlers } from './context.js';
import { engineHandlers } from './engine/handlers.js';
import { importHandlers } from './imports/handlers.js';
import { evalHandlers } from './metrics/handlers.js';
import { jobHandlers } from './registry/job-handlers.js';
import { remoteHandlers } from './remote/handlers.js';
import { studioUiHandlers } from './ui/handlers.js';

export const studioHandlers: Handlers<StudioMethods> = {
  ...appHandlers,
  ...batchHandlers,
  ...catalogHandlers,
  ...codecHandlers,
  ...engineHandlers,
  ...evalHandlers,
  ...importHandlers,
  ...jobHandlers,
  ...remoteHandlers,
  ...studioUiHandlers,
};
