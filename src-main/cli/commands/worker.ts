// `worker --queue redis://[:PASSWORD@]HOST:PORT`: takes compress and decompress jobs that
// `compress|decompress ... --queue` put on the queue, until Ctrl-C or SIGTERM (which finish the
// files in progress first). Any number of workers on any number of machines (docs/scaling.md).
import os from 'node:os';
import { ensureHome, studioHome } from '../../core/system/home.js';
import { parseQueueUrl } from '../../core/queue/queue-url.js';
import { Roots } from '../../core/queue/roots.js';
import { intFlag, numberFlag, requiredFlag, type CliCommand } from '../command.js';

export const workerCommand: CliCommand = {
  name: 'worker',
  summary: 'take compress and decompress jobs from a Redis queue (batches sent with --queue)',
  usage: 'worker --queue redis://[:PASSWORD@]HOST:PORT [--concurrency N] [--root DIR ...] [--stall-seconds S]',
  options: {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    root: { type: 'string', multiple: true },
    'stall-seconds': { type: 'string' },
  },
  positionals: false,
  async run({ values }, env) {
    const queue = parseQueueUrl(requiredFlag(values, 'queue'));
    const concurrency = intFlag(values, 'concurrency', 1, 64) ?? os.availableParallelism();
    const roots = Roots.of((values.root as string[] | undefined) ?? [process.cwd()]);
    // Loaded on use: BullMQ and its Redis driver are needed only here and for --queue.
    const { DEFAULT_STALL_SECONDS, QueueWorker } = await import('../../core/queue/worker.js');
    const stallSeconds = numberFlag(values, 'stall-seconds', 0.5, 3600) ?? DEFAULT_STALL_SECONDS;
    const worker = new QueueWorker({
      queue,
      home: ensureHome(studioHome(env.homeDir)),
      roots,
      concurrency,
      stallSeconds,
      say: (line) => env.stderr.write(`${line}\n`),
    });
    const stop = () => void worker.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await worker.run();
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    return { json: { worker: worker.name, stopped: true }, text: `worker ${worker.name}: stopped` };
  },
};
