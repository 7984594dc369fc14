// Worker task: which tfjs backend a worker thread loads (the one training and coding use), without
// loading tfjs in the studio's own process.
import { defineTask } from '../jobs/task.js';
import { chooseBackend, type BackendInfo } from './backend.js';

export default defineTask<Record<string, never>, never, BackendInfo>(() => chooseBackend());
