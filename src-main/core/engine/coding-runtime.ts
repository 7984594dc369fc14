// Which runtime runs a loaded model's analysis and synthesis transforms when it codes an image:
// onnxruntime-node where it loads (4-11x tfjs wasm per CPU second on these transforms, see
// docs/performance.md; its own threads use the cores, so tiles go one at a time), else tfjs, in
// this thread or spread over a pool of tile workers. The choice never reaches an entropy-coding
// table: the hyper-synthesis that picks them stays in exact arithmetic.
import type { ParamStore } from './models/layers/params.js';
import type { TensorTile, TransformRunner } from './models/layers/transform-runner.js';
import { onnxRunner, onnxStatus, type OnnxStatus } from './onnx/runner.js';
import type { Tiling } from './tiling/geometry.js';
import { pooledChooser } from './tiling/tile-pool.js';
import type { ChooseRunner } from './tiling/tiled.js';

export interface CodingRuntime {
  choose: ChooseRunner;
  /** 'onnx' or 'tfjs', and the one-line reason (for display). */
  runtime: { name: 'onnx' | 'tfjs'; reason: string };
  /** tfjs tile-pool threads started (0 with onnxruntime, or before an image of several tiles). */
  threads(): number;
  close(): Promise<void>;
}

/** The ONNX session is made on the first tile (graph writing and session creation take about a second). */
class LazyOnnxRunner implements TransformRunner {
  private runner: Promise<TransformRunner>;

  constructor(params: ParamStore, stages: number, threads: number) {
    this.runner = onnxRunner(params, stages, { threads }).then((r) => {
      if (!r) throw new Error('onnxruntime-node stopped loading after it was found available');
      return r;
    });
    // A failed creation is reported by the tile that waits for it, not as an unhandled rejection.
    this.runner.catch(() => undefined);
  }

  async analysis(tile: TensorTile): Promise<TensorTile> {
    return (await this.runner).analysis(tile);
  }

  async synthesis(tile: TensorTile): Promise<TensorTile> {
    return (await this.runner).synthesis(tile);
  }

  dispose(): void {
    void this.runner.then(
      (r) => r.dispose(),
      () => undefined,
    );
  }
}

/**
 * The runtime for one loaded model coding with `workers` threads (a single image: the cores; a
 * batch worker: 1). `status` is onnxStatus() (asked once by the caller, which may await).
 */
export function codingRuntime(workers: number, tiling: Tiling, status: OnnxStatus): CodingRuntime {
  const tiles = pooledChooser(workers, tiling);
  if (!status.available)
    return { choose: tiles.choose, runtime: { name: 'tfjs', reason: status.reason }, threads: tiles.threads, close: tiles.close };
  const byStages = new Map<number, { params: ParamStore; runner: LazyOnnxRunner }>();
  const threads = Math.max(1, workers);
  return {
    choose: (r) => {
      let entry = byStages.get(r.stages);
      if (!entry || entry.params !== r.params) {
        entry?.runner.dispose();
        entry = { params: r.params, runner: new LazyOnnxRunner(r.params, r.stages, threads) };
        byStages.set(r.stages, entry);
      }
      return { runner: entry.runner, parallel: 1 };
    },
    runtime: { name: 'onnx', reason: `${status.reason}, ${threads} thread${threads === 1 ? '' : 's'}` },
    threads: () => 0,
    close: async () => {
      for (const e of byStages.values()) e.runner.dispose();
      byStages.clear();
      await tiles.close();
    },
  };
}

/** onnxStatus, re-exported so that callers need not know where the ONNX runner lives. */
export { onnxStatus };
