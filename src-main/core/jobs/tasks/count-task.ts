// A tiny real task used to test the worker machinery itself (progress, pause, cancel, errors).
import { defineTask } from '../task.js';

export default defineTask<{ to: number; delayMs: number; failAt?: number }, { at: number }, { total: number }>(async (input, io) => {
  let total = 0;
  for (let i = 1; i <= input.to; i++) {
    await io.checkpoint();
    if (input.failAt === i) throw new Error(`failed at ${i}`);
    await new Promise((r) => setTimeout(r, input.delayMs));
    total += i;
    io.progress({ at: i });
  }
  return { total };
});
