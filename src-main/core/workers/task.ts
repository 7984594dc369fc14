// The shape of work that runs in a worker thread: a named task with typed input, progress and
// result. A task module default-exports `defineTask(...)`; its domain names it with `taskRef`,
// and the registry (registry/task-registry.ts) lists every ref so a worker thread can load it.
// This folder is the plumbing only: it imports no domain.

export interface TaskIO<P> {
  /** Sends a progress event to the host (throttle per batch/file, not per pixel). */
  progress(payload: P): void;
  /** Aborted when the host cancels. */
  readonly signal: AbortSignal;
  /**
   * Call between units of work: waits while paused (the host hears that the task has stopped
   * only here), throws an AbortError once cancelled.
   */
  checkpoint(): Promise<void>;
}

export interface WorkerTask<I, P, R> {
  run(input: I, io: TaskIO<P>): Promise<R>;
}

export function defineTask<I, P, R>(run: (input: I, io: TaskIO<P>) => Promise<R>): WorkerTask<I, P, R> {
  return { run };
}

/** How the host names a task and how a worker thread loads it; its types come from the module. */
export interface TaskRef<I, P, R> {
  readonly name: string;
  readonly load: () => Promise<{ default: WorkerTask<I, P, R> }>;
  /**
   * A task that is not in the registry (a test's own task): the file a thread started from the
   * sources imports by itself. A bundled build runs registered tasks only.
   */
  readonly moduleFile?: string;
}

export function taskRef<I, P, R>(
  name: string,
  load: () => Promise<{ default: WorkerTask<I, P, R> }>,
  moduleFile?: string,
): TaskRef<I, P, R> {
  return { name, load, ...(moduleFile ? { moduleFile } : {}) };
}

export type AnyTaskRef = TaskRef<never, unknown, unknown>;

export type ToWorker =
  | { type: 'start'; task: string; input: unknown; moduleFile?: string }
  | { type: 'cancel' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Ends the thread at once, as a crash would (WorkerHandle.terminate). */
  | { type: 'crash' };

/** The exit code of a thread ended by a 'crash' message. */
export const CRASH_EXIT_CODE = 70;

/** 'paused' is sent when the task has stopped at a checkpoint, 'resumed' when it goes on. */
export type FromWorker =
  | { type: 'progress'; payload: unknown }
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string } };

export function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}
