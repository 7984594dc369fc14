// A tiny real task for testing the worker plumbing and the job runner (progress, pause, cancel,
// errors, crash). Not in the studio's registry: a test names its file (countTask below).
import { defineTask } from '../../../src-main/core/workers/task.js';

export interface CountInput {
  /** Counts from `from` (default 1) to `to`, one unit per number. */
  from?: number;
  to: number;
  delayMs: number;
  failAt?: number;
}

export default defineTask<CountInput, { at: number }, { total: number }>(async (input, io) => {
  let total = 0;
  for (let i = input.from ?? 1; i <= input.to; i++) {
    await io.checkpoint();
    if (input.failAt === i) throw new Error(`failed at ${i}`);
    await new Promise((r) => setTimeout(r, input.delayMs));
    total += i;
    io.progress({ at: i });
  }
  return { total };
});
