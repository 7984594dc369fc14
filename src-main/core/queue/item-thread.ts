// A queue worker's coding thread: loads each model once (checking that its weights hash is the
// job's), then codes the files it is sent with the local batch's own per-file code
// (batch/process-item.ts), so a file coded on a worker is byte for byte the local batch's.
import { parentPort, workerData } from 'node:worker_threads';
import { PixelBudget } from '../batch/pixel-budget.js';
import { processItem, type ItemEnv } from '../batch/process-item.js';
import type { CodecModel } from '../codec/model.js';
import { StudioError, toWireError } from '../contract/errors.js';
import type { LoadedModel } from '../engine/model-io.js';
import { openModel, WrongWeights } from '../engine/open-model.js';
import type { FromThread, ThreadData, ThreadModel, ToThread } from './thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('item-thread must run in a worker thread');
const data = workerData as ThreadData;
const budget = new PixelBudget(data.control, data.budgetPixels);
const loaded = new Map<string, Promise<LoadedModel>>();
const never = new AbortController().signal;

/** One model per weights, id and calibration (a job's model is the same every time): opened once. */
async function codecModel(m: ThreadModel): Promise<CodecModel> {
  const key = `${m.weightsHash}\0${m.id}\0${m.finestStep ?? ''}`;
  let p = loaded.get(key);
  if (!p) {
    // As the local batch's worker opens it (batch/worker-task.ts), under the submitter's id, with the
    // submitter's calibration; other weights than the job's are refused (WrongWeights).
    p = openModel(m, { weightsHash: m.weightsHash, ...(m.finestStep !== undefined ? { finestStep: m.finestStep } : {}) });
    loaded.set(key, p);
  }
  try {
    return await p;
  } catch (err) {
    loaded.delete(key);
    throw err;
  }
}

/** A file names its model by id (v1) or tag:<hash prefix> (v2): it must be the job's, hash and all. */
function namesJobModel(name: string | undefined, m: ThreadModel): boolean {
  if (name === undefined || name !== m.ref) return false;
  return name.startsWith('tag:') ? m.weightsHash.startsWith(name.slice(4)) : name === m.id;
}

function post(msg: FromThread): void {
  port!.postMessage(msg);
}

async function run(msg: Extract<ToThread, { type: 'item' }>): Promise<void> {
  const started = performance.now();
  try {
    const model = await codecModel(msg.model);
    const env: ItemEnv = {
      options: msg.options,
      budget,
      signal: never,
      checkpoint: async () => {},
      async model(name) {
        if (msg.options.kind === 'compress' || namesJobModel(name, msg.model)) return model;
        throw new StudioError('bad-request', `names model ${name ?? '?'}, not the job's ${msg.model.ref}: not decoded with other weights`);
      },
    };
    const outcome = await processItem(env, { input: msg.input, output: msg.output });
    post({ type: 'result', id: msg.id, outcome, ms: performance.now() - started });
  } catch (err) {
    post({ type: 'error', id: msg.id, message: toWireError(err).message.split('\n')[0]!, wrongWeights: err instanceof WrongWeights });
  }
}

port.on('message', (msg: ToThread) => {
  if (msg.type === 'item') void run(msg);
  else process.exit(0);
});
