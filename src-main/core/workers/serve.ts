// Runs inside a worker thread: waits for one 'start' message, loads the named task through the
// lookup it is given (the registry's, see registry/worker-entry.ts), runs it and reports. Pause is
// acknowledged only when the task reaches a checkpoint and stops there.
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../contract/errors.js';
import { abortError, CRASH_EXIT_CODE, type FromWorker, type TaskIO, type ToWorker, type WorkerTask } from './task.js';

type Loader = () => Promise<{ default: WorkerTask<unknown, unknown, unknown> }>;

export function serveTasks(lookup: (name: string) => Loader | undefined, options: { fromSources: boolean }): void {
  if (!parentPort) throw new Error('a worker entry must run in a worker thread');
  const port = parentPort;
  const controller = new AbortController();
  /** Set by 'pause'; the task parks on it at its next checkpoint. */
  let gate: { promise: Promise<void>; release: () => void } | null = null;
  const post = (msg: FromWorker) => port.postMessage(msg);

  const io: TaskIO<unknown> = {
    progress: (payload) => post({ type: 'progress', payload }),
    signal: controller.signal,
    async checkpoint() {
      if (gate && !controller.signal.aborted) {
        post({ type: 'paused' });
        await gate.promise;
      }
      if (controller.signal.aborted) throw abortError();
    },
  };

  async function start(name: string, input: unknown, moduleFile: string | undefined): Promise<void> {
    try {
      const loader =
        lookup(name) ??
        (moduleFile && options.fromSources ? (() => import(moduleFile) as ReturnType<Loader>) : undefined);
      if (!loader) throw new Error(`unknown worker task ${name}`);
      const task = (await loader()).default;
      const result = await task.run(input, io);
      post({ type: 'done', result });
    } catch (err) {
      post({ type: 'error', error: controller.signal.aborted ? { code: 'cancelled', message: 'cancelled' } : toWireError(err) });
    }
    // The thread ends by itself once what the task left under way has finished (an onnxruntime run
    // it did not wait for): the host never has to stop it from outside (see host.ts, EXIT_GRACE_MS).
    port.unref();
  }

  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'start':
        void start(msg.task, msg.input, msg.moduleFile);
        break;
      case 'cancel':
        controller.abort();
        gate?.release();
        break;
      case 'pause':
        if (!gate) {
          let release = () => {};
          const promise = new Promise<void>((r) => (release = r));
          gate = { promise, release };
        }
        break;
      case 'resume':
        gate?.release();
        gate = null;
        post({ type: 'resumed' });
        break;
      case 'crash':
        // Ends the thread between two turns of its event loop, never inside a native call (see host.ts).
        process.exit(CRASH_EXIT_CODE);
    }
  });
}
