// The batch's worker tasks, as the host names them (workers/task.ts): a folder batch's pool member,
// and the single-file tasks (compressImages, decompressFiles: one thread, an image's tiles over every core).
import { taskRef } from '../workers/task.js';

export const batchWorkerTask = taskRef('batch.worker', () => import('./worker-task.js'));
export const compressFilesTask = taskRef('batch.compress-files', () => import('./compress-files-task.js'));
export const decompressFilesTask = taskRef('batch.decompress-files', () => import('./decompress-files-task.js'));
