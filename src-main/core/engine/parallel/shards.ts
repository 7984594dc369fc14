// Splitting a batch over replicas and combining what they computed. The losses are means over
// the samples, so the whole batch's loss (and gradient) is the mean of the shards' weighted by
// their sizes. Shards are summed in a fixed order, so a run with the same worker count repeats
// bit for bit.
import type { RdShardResult } from '../rd-step.js';

export interface ShardRange {
  first: number;
  count: number;
}

/** Consecutive, non-empty shards of n samples over at most `parts` replicas (sizes differ by at most 1). */
export function splitBatch(n: number, parts: number): ShardRange[] {
  const k = Math.max(1, Math.min(parts, n));
  const base = Math.floor(n / k);
  const extra = n % k;
  const out: ShardRange[] = [];
  let first = 0;
  for (let i = 0; i < k; i++) {
    const count = base + (i < extra ? 1 : 0);
    out.push({ first, count });
    first += count;
  }
  return out;
}

/**
 * The whole batch's result from its shards' (same order as `ranges`). The first result's
 * gradient arrays are overwritten with the combination and returned; the others are only read.
 */
export function combineShards(results: RdShardResult[], ranges: ShardRange[]): RdShardResult {
  if (results.length !== ranges.length || results.length === 0) throw new Error('one result per shard');
  if (results.length === 1) return results[0]!;
  const n = ranges.reduce((a, r) => a + r.count, 0);
  const w = ranges.map((r) => r.count / n);
  const mean = (pick: (r: RdShardResult) => number) => results.reduce((a, r, s) => a + w[s]! * pick(r), 0);
  const out = results[0]!.grads;
  const others = results.slice(1).map((r) => r.grads);
  const w0 = w[0]!;
  for (let k = 0; k < out.length; k++) {
    const g = out[k]!;
    const parts = others.map((o) => o[k]!);
    for (let i = 0; i < g.length; i++) {
      let acc = w0 * g[i]!;
      for (let s = 0; s < parts.length; s++) acc += w[s + 1]! * parts[s]![i]!;
      g[i] = acc;
    }
  }
  return { loss: mean((r) => r.loss), bpp: mean((r) => r.bpp), mse: mean((r) => r.mse), grads: out };
}
