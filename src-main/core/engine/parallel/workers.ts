// How many training replicas a run uses by default: one per core (tfjs-backend-wasm runs one
// thread per replica in Node), at most DEFAULT_MAX: every replica holds a whole model and its
// activations, and past a few cores the shards of the usual batches (8-16) get too small to pay.
import os from 'node:os';

const DEFAULT_MAX = 8;

export function defaultTrainWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism(), DEFAULT_MAX));
}
