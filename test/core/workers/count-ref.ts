// The test's count task as the host names it: loaded by its file, never registered.
import { fileURLToPath } from 'node:url';
import { taskRef } from '../../../src-main/core/workers/task.js';

export const countTask = taskRef('test.count', () => import('./count-task.js'), fileURLToPath(new URL('./count-task.ts', import.meta.url)));
