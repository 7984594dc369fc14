// Starts a task in a worker thread and gives back a handle with progress, pause, resume and
// cancel. Heavy work (training, import, batch, eval) goes through here so no event loop blocks.
// pause() resolves once the task has stopped at its checkpoint (or ended), not when asked.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';
import { StudioError, type StudioErrorCode } from '../contract/errors.js';
import type { FromWorker, TaskRef, ToWorker } from './task.js';

export interface WorkerHandle<R> {
  readonly result: Promise<R>;
  /** Settles once the thread has exited (after the result, or after a crash). */
  readonly exited: Promise<void>;
  cancel(): void;
  /** Resolves when the task has stopped at a checkpoint, or has ended. */
  pause(): Promise<void>;
  /** Resolves when the task has been told to go on (at once if it had not stopped yet). */
  resume(): Promise<void>;
  /** Ends the thread at once, as a crash would (tests of crash recovery; a stuck worker). */
  terminate(): Promise<void>;
}

export interface StartOptions<P> {
  onProgress?: (payload: P) => void;
  signal?: AbortSignal;
  /** Extra resource limits for the worker (e.g. heap for big batches). */
  resourceLimits?: { maxOldGenerationSizeMb?: number };
  /** Objects in `input` moved to the worker rather than copied (a MessagePort for a long-lived service). */
  transfer?: readonly Transferable[];
}

/** How long a thread that has reported its result (or was told to crash) may take to end by itself. */
export const EXIT_GRACE_MS = 10_000;

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

/**
 * The thread's entry registers every task, so it sits at the top of the import graph
 * (registry/worker-entry.ts): this plumbing names its file and never imports it. Bundled build:
 * out/main/worker-entry.js beside the bundle.
 */
function createWorker(resourceLimits: StartOptions<unknown>['resourceLimits']): Worker {
  if (FROM_SOURCES) return startSourceThread(path.join(path.dirname(here), '..', 'registry', 'worker-entry.ts'), { resourceLimits });
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

export function startWorkerTask<I, P, R>(task: TaskRef<I, P, R>, input: I, options: StartOptions<P> = {}): WorkerHandle<R> {
  const worker = createWorker(options.resourceLimits);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const send = (msg: ToWorker) => worker.postMessage(msg);
  let settled = false;
  let pauseWaiters: Array<() => void> = [];
  let resumeWaiters: Array<() => void> = [];
  const wake = (list: Array<() => void>) => {
    for (const w of list) w();
  };

  // Stopping a thread from outside while it is inside a native call (an onnxruntime run) aborts the
  // whole process ("terminate called after throwing an instance of 'Napi::Error'"): a thread that
  // has reported its result ends by itself (workers/serve.ts) and is stopped only if it has not
  // within EXIT_GRACE_MS; terminate() asks the thread to end between two turns of its loop.
  let hardStop: NodeJS.Timeout | undefined;
  let gone = false;
  const stopLater = () => {
    if (gone) return;
    hardStop ??= setTimeout(() => {
      console.warn(`worker ${task.name} had not ended ${EXIT_GRACE_MS / 1000} s after it was told to: stopped from outside`);
      void worker.terminate();
    }, EXIT_GRACE_MS).unref();
  };
  void exited.then(() => {
    gone = true;
    clearTimeout(hardStop);
  });

  const result = new Promise<R>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      fn();
      wake(pauseWaiters);
      wake(resumeWaiters);
      pauseWaiters = [];
      resumeWaiters = [];
      stopLater();
    };
    const onAbort = () => send({ type: 'cancel' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'progress') options.onProgress?.(msg.payload as P);
      else if (msg.type === 'paused') {
        wake(pauseWaiters);
        pauseWaiters = [];
      } else if (msg.type === 'resumed') {
        wake(resumeWaiters);
        resumeWaiters = [];
      } else if (msg.type === 'done') finish(() => resolve(msg.result as R));
      else finish(() => reject(new StudioError(msg.error.code as StudioErrorCode, msg.error.message)));
    });
    worker.on('error', (err) => finish(() => reject(new StudioError('internal', `worker ${task.name} crashed: ${err.message}`))));
    worker.on('exit', (code) =>
      finish(() => reject(new StudioError('internal', `worker ${task.name} exited with code ${code} before finishing`))),
    );
  });

  const start: ToWorker = { type: 'start', task: task.name, input, ...(task.moduleFile ? { moduleFile: task.moduleFile } : {}) };
  worker.postMessage(start, options.transfer);
  const ask = (msg: ToWorker, list: 'pause' | 'resume') =>
    new Promise<void>((resolve) => {
      if (settled) return resolve();
      if (list === 'pause') pauseWaiters.push(resolve);
      else {
        // A pause that had not been acknowledged yet is moot once resumed.
        wake(pauseWaiters);
        pauseWaiters = [];
        resumeWaiters.push(resolve);
      }
      send(msg);
    });
  return {
    result,
    exited,
    cancel: () => send({ type: 'cancel' }),
    pause: () => ask({ type: 'pause' }, 'pause'),
    resume: () => ask({ type: 'resume' }, 'resume'),
    terminate: async () => {
      send({ type: 'crash' });
      stopLater();
      await exited;
    },
  };
}
