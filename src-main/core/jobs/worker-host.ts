// Starts a task in a worker thread and gives back a handle with progress, pause, resume and
// cancel. Heavy work (training, import, batch, eval) goes through here so no event loop blocks.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';
import { StudioError, type StudioErrorCode } from '../contract/errors.js';
import type { FromWorker, ToWorker } from './task.js';
import type { TaskInput, TaskName, TaskProgress, TaskResult } from './task-registry.js';

export interface WorkerHandle<R> {
  readonly result: Promise<R>;
  /** Settles once the thread has exited (after the result, or after a crash). */
  readonly exited: Promise<void>;
  cancel(): void;
  pause(): void;
  resume(): void;
}

export interface StartOptions<P> {
  onProgress?: (payload: P) => void;
  signal?: AbortSignal;
  /** Extra resource limits for the worker (e.g. heap for big batches). */
  resourceLimits?: { maxOldGenerationSizeMb?: number };
  /** Objects in `input` moved to the worker rather than copied (a MessagePort for a long-lived service). */
  transfer?: readonly Transferable[];
}

const here = fileURLToPath(import.meta.url);

/** Whether this code runs from the source tree (through tsx) rather than a bundled build. */
export const FROM_SOURCES = here.endsWith('.ts');

/** A thread that registers tsx, then runs the TypeScript module `entry` (an absolute path). */
export function startSourceThread(entry: string, options: Pick<WorkerOptions, 'workerData' | 'resourceLimits'> = {}): Worker {
  const tsxApi = pathToFileURL(tsxEsmApiPath()).href;
  const url = pathToFileURL(entry).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(code, { ...options, eval: true, env: process.env });
}

/** Source tree (run through tsx) vs bundled build (out/main/worker-entry.js beside the bundle). */
function createWorker(resourceLimits: StartOptions<unknown>['resourceLimits']): Worker {
  if (FROM_SOURCES) return startSourceThread(path.join(path.dirname(here), 'worker-entry.ts'), { resourceLimits });
  return new Worker(bundledEntry(), { env: process.env, resourceLimits });
}

/**
 * out/main/worker-entry.js. This module is bundled into index.js, or into a chunk under
 * out/main/chunks/ once a worker task starts workers itself (training replicas): look beside it, then one up.
 */
function bundledEntry(): string {
  const dir = path.dirname(here);
  const candidates = [path.join(dir, 'worker-entry.js'), path.join(dir, '..', 'worker-entry.js')];
  return candidates.find((f) => existsSync(f)) ?? candidates[0]!;
}

function tsxEsmApiPath(): string {
  // tsx's CommonJS entry cannot register ESM hooks from a worker; use its ESM build.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return cjs.replace(/index\.cjs$/, 'index.mjs');
}

export function startWorkerTask<N extends TaskName>(
  task: N,
  input: TaskInput<N>,
  options: StartOptions<TaskProgress<N>> = {},
): WorkerHandle<TaskResult<N>> {
  const worker = createWorker(options.resourceLimits);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const send = (msg: ToWorker) => worker.postMessage(msg);
  let settled = false;

  const result = new Promise<TaskResult<N>>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => send({ type: 'cancel' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'progress') options.onProgress?.(msg.payload as TaskProgress<N>);
      else if (msg.type === 'done') finish(() => resolve(msg.result as TaskResult<N>));
      else finish(() => reject(new StudioError(msg.error.code as StudioErrorCode, msg.error.message)));
    });
    worker.on('error', (err) => finish(() => reject(new StudioError('internal', `worker ${task} crashed: ${err.message}`))));
    worker.on('exit', (code) =>
      finish(() => reject(new StudioError('internal', `worker ${task} exited with code ${code} before finishing`))),
    );
  });

  worker.postMessage({ type: 'start', task, input } satisfies ToWorker, options.transfer);
  return {
    result,
    exited,
    cancel: () => send({ type: 'cancel' }),
    pause: () => send({ type: 'pause' }),
    resume: () => send({ type: 'resume' }),
  };
}
