// The catalog's worker task, as the host names it (workers/task.ts).
import { taskRef } from '../workers/task.js';

export const importTask = taskRef('catalog.import', () => import('./import-task.js'));
