// The collection a worker runs after each large image really frees dropped pixel buffers.
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../src-main/core/batch/collect-garbage.js';

/** Makes and drops 256 MB of float buffers, the way a coded image's copies are dropped; a weak reference to each. */
function churn(): WeakRef<Float32Array>[] {
  const buffers = Array.from({ length: 16 }, () => new Float32Array(4_000_000).fill(1));
  expect(buffers.reduce((n, b) => n + b.byteLength, 0)).toBe(256_000_000);
  return buffers.map((b) => new WeakRef(b));
}

describe('collectGarbage', () => {
  it('frees dropped typed arrays at once', async () => {
    collectGarbage();
    const refs = churn();
    // A weak reference holds its target until the current job ends.
    await tick();
    collectGarbage();
    await tick();
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  });
});
