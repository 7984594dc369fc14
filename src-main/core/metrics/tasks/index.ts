// The metrics' worker tasks, as the host names them (workers/task.ts).
import { taskRef } from '../../workers/task.js';

export const sweepTask = taskRef('eval.sweep', () => import('./sweep-task.js'));
export const compareServiceTask = taskRef('eval.compare-service', () => import('./compare-service-task.js'));
