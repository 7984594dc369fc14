// Runs inside a worker thread: waits for one 'start' message, runs the named task, reports.
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../contract/errors.js';
import { abortError, type FromWorker, type TaskIO, type ToWorker, type WorkerTask } from './task.js';
import { taskLoaders } from './task-registry.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');

const controller = new AbortController();
let paused: { promise: Promise<void>; release: () => void } | null = null;

function post(msg: FromWorker): void {
  port!.postMessage(msg);
}

const io: TaskIO<unknown> = {
  progress: (payload) => post({ type: 'progress', payload }),
  signal: controller.signal,
  async checkpoint() {
    if (paused) await paused.promise;
    if (controller.signal.aborted) throw abortError();
  },
};

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      void start(msg.task, msg.input);
      break;
    case 'cancel':
      controller.abort();
      paused?.release();
      break;
    case 'pause':
      if (!paused) {
        let release = () => {};
        const promise = new Promise<void>((r) => (release = r));
        paused = { promise, release };
      }
      break;
    case 'resume':
      paused?.release();
      paused = null;
      break;
  }
});

async function start(name: string, input: unknown): Promise<void> {
  try {
    const loader = (taskLoaders as Record<string, () => Promise<{ default: WorkerTask<unknown, unknown, unknown> }>>)[name];
    if (!loader) throw new Error(`unknown worker task ${name}`);
    const task = (await loader()).default;
    const result = await task.run(input, io);
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'error', error: controller.signal.aborted ? { code: 'cancelled', message: 'cancelled' } : toWireError(err) });
  }
}
