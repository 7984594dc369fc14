// The collection a worker runs after each large image really frees dropped pixel buffers.
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../src-main/core/batch/collect-garbage.js';

/** Makes and drops 256 MB of float buffers, the way a coded image's copies are dropped. */
function churn(): number {
  const buffers = Array.from({ length: 16 }, () => new Float32Array(4_000_000).fill(1));
  return buffers.reduce((n, b) => n + b.byteLength, 0);
}

describe('collectGarbage', () => {
  it('frees dropped typed arrays at once', async () => {
    collectGarbage();
    const base = process.memoryUsage().arrayBuffers;
    expect(churn()).toBe(256_000_000);
    expect(process.memoryUsage().arrayBuffers - base).toBeGreaterThan(200_000_000);
    collectGarbage();
    // Backing stores are released right after the collection (allow a moment for the sweeper).
    await new Promise((r) => setTimeout(r, 50));
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(50_000_000);
  });
});
