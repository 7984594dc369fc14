// Messages between a queue worker's main thread (BullMQ, Redis, file checks) and its coding
// threads (tfjs): one file at a time per thread.
import type { ItemOptions, ItemOutcome } from '../batch/process-item.js';

export interface ThreadModel {
  dir: string;
  id: string;
  weightsHash: string;
  ref: string;
  finestStep?: number;
}

export interface ThreadData {
  /** Pixel budget shared by the threads of one worker process (batch/pixel-budget.ts). */
  control: SharedArrayBuffer;
  budgetPixels: number;
}

export type ToThread =
  | { type: 'item'; id: number; input: string; output: string; options: ItemOptions; model: ThreadModel }
  /** Ends the thread between two turns of its loop (stopping it from outside mid-onnxruntime-run aborts the process). */
  | { type: 'close' };

export type FromThread =
  | { type: 'result'; id: number; outcome: ItemOutcome; ms: number }
  /** The job cannot be done by this thread (its model does not load or match): the attempt fails. */
  | { type: 'error'; id: number; message: string; wrongWeights: boolean };
