// Every task that can run in a worker thread, by name. Lazy imports keep each worker small.
// Add one line per task module.
import type { WorkerTask } from './task.js';

export const taskLoaders = {
  'test.count': () => import('./tasks/count-task.js'),
  'catalog.import': () => import('../catalog/import-task.js'),
  'engine.train': () => import('../engine/train-task.js'),
  'engine.backend': () => import('../engine/backend-task.js'),
  'engine.rd-replica': () => import('../engine/parallel/replica-task.js'),
  'engine.tile-runner': () => import('../engine/tiling/tile-task.js'),
  'codec.compress': () => import('../codec/tasks/compress-task.js'),
  'codec.decompress': () => import('../codec/tasks/decompress-task.js'),
  'eval.sweep': () => import('../metrics/tasks/sweep-task.js'),
  'eval.compare-service': () => import('../metrics/tasks/compare-service-task.js'),
  'batch.worker': () => import('../batch/worker-task.js'),
} as const;

export type TaskName = keyof typeof taskLoaders;
type TaskOf<N extends TaskName> = Awaited<ReturnType<(typeof taskLoaders)[N]>>['default'];
export type TaskInput<N extends TaskName> = TaskOf<N> extends WorkerTask<infer I, unknown, unknown> ? I : never;
export type TaskProgress<N extends TaskName> = TaskOf<N> extends WorkerTask<unknown, infer P, unknown> ? P : never;
export type TaskResult<N extends TaskName> = TaskOf<N> extends WorkerTask<never, unknown, infer R> ? R : never;
