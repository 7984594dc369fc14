// The batch's worker task, as the host names it (workers/task.ts).
import { taskRef } from '../workers/task.js';

export const batchWorkerTask = taskRef('batch.worker', () => import('./worker-task.js'));
