// Every task a worker thread can run, by name: each domain's task refs, listed once. A bundled
// build includes exactly these (the dynamic imports in the refs); a test's own task is not here.
import { batchWorkerTask, compressFilesTask, decompressFilesTask } from '../batch/tasks.js';
import { importTask } from '../catalog/tasks.js';
import { backendTask, rdReplicaTask, tileRunnerTask, trainTask } from '../engine/tasks.js';
import { compareServiceTask, sweepTask } from '../metrics/tasks/index.js';
import type { AnyTaskRef, WorkerTask } from '../workers/task.js';

const TASKS: readonly AnyTaskRef[] = [
  importTask,
  trainTask,
  backendTask,
  rdReplicaTask,
  tileRunnerTask,
  compressFilesTask,
  decompressFilesTask,
  sweepTask,
  compareServiceTask,
  batchWorkerTask,
];

const byName = new Map(TASKS.map((t) => [t.name, t]));
if (byName.size !== TASKS.length) throw new Error('two worker tasks share a name');

export function taskLoader(name: string): (() => Promise<{ default: WorkerTask<unknown, unknown, unknown> }>) | undefined {
  const ref = byName.get(name);
  return ref && (ref.load as () => Promise<{ default: WorkerTask<unknown, unknown, unknown> }>);
}
