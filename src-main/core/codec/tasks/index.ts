// The codec's worker tasks, as the host names them (workers/task.ts).
import { taskRef } from '../../workers/task.js';

export const compressTask = taskRef('codec.compress', () => import('./compress-task.js'));
export const decompressTask = taskRef('codec.decompress', () => import('./decompress-task.js'));
