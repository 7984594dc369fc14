// The shape of work that runs in a worker thread: a named task with typed input, progress and
// result. Task modules default-export `defineTask(...)` and are listed in task-registry.ts.

export interface TaskIO<P> {
  /** Sends a progress event to the host (throttle per batch/file, not per pixel). */
  progress(payload: P): void;
  /** Aborted when the host cancels. */
  readonly signal: AbortSignal;
  /** Call between units of work: waits while paused, throws an AbortError once cancelled. */
  checkpoint(): Promise<void>;
}

export interface WorkerTask<I, P, R> {
  run(input: I, io: TaskIO<P>): Promise<R>;
}

export function defineTask<I, P, R>(run: (input: I, io: TaskIO<P>) => Promise<R>): WorkerTask<I, P, R> {
  return { run };
}

export type ToWorker = { type: 'start'; task: string; input: unknown } | { type: 'cancel' } | { type: 'pause' } | { type: 'resume' };

export type FromWorker =
  { type: 'progress'; payload: unknown } | { type: 'done'; result: unknown } | { type: 'error'; error: { code: string; message: string } };

export function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}
