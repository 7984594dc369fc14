// Worker task: a long-lived equal-size comparison service. It answers requests on the MessagePort
// it was given, one at a time, through one CompareSession, so the model, the originals and the
// classical encodings stay loaded between comparisons (see ../equal-size.ts). It ends when the
// host cancels it (idle, or the studio closing).
import type { MessagePort } from 'node:worker_threads';
import { toWireError } from '../../contract/errors.js';
import { defineTask } from '../../workers/task.js';
import { CompareSession } from '../equal-size.js';
import type { CompareServiceReply, CompareServiceRequest } from '../compare-service-protocol.js';
import { loadEngineModelAllCores } from './model-loader.js';

export interface CompareServiceInput {
  port: MessagePort;
}

export default defineTask<CompareServiceInput, never, { served: number }>(async ({ port }, io) => {
  const session = new CompareSession(loadEngineModelAllCores);
  const reply = (m: CompareServiceReply) => port.postMessage(m);
  let served = 0;
  // One comparison at a time: they share one model and one tfjs backend.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: CompareServiceRequest) => {
    queue = queue.then(async () => {
      try {
        const result = await session.compare(req.input, (step) => reply({ id: req.id, type: 'step', step }));
        reply({ id: req.id, type: 'done', result });
      } catch (err) {
        reply({ id: req.id, type: 'error', error: toWireError(err) });
      }
      served++;
    });
  });
  try {
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await queue;
  } finally {
    port.close();
    session.dispose();
  }
  return { served };
});
