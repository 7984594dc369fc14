// The engine's worker tasks, as the host names them (workers/task.ts).
import { taskRef } from '../workers/task.js';

export const trainTask = taskRef('engine.train', () => import('./train-task.js'));
export const backendTask = taskRef('engine.backend', () => import('./backend-task.js'));
export const rdReplicaTask = taskRef('engine.rd-replica', () => import('./parallel/replica-task.js'));
export const tileRunnerTask = taskRef('engine.tile-runner', () => import('./tiling/tile-task.js'));
