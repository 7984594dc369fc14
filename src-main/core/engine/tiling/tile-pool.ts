// A TransformRunner that spreads tiles over worker threads, one model replica per thread
// (tile-task.ts, started through the jobs' worker machinery so source and bundled builds both
// work). Each tile goes to whichever worker is free, through that worker's shared buffers
// (tile-slot.ts); a worker that fails fails every tile after it (parallel/thread-team.ts). close()
// stops every worker and waits for its thread.
import os from 'node:os';
import { startWorkerTask } from '../../workers/host.js';
import { tileRunnerTask } from '../tasks.js';
import type { ParamStore } from '../models/layers/params.js';
import type { TensorTile, TransformRunner } from '../models/layers/transform-runner.js';
import { ThreadTeam } from '../parallel/thread-team.js';
import type { Tiling } from './geometry.js';
import { inThread, type ChooseRunner } from './tiled.js';
import type { NamedWeights } from './tile-task.js';
import { createSlot, CTL, OP, slotFloats, type TileSlot } from './tile-slot.js';

/**
 * Each worker holds a model replica and its tfjs: about 150 MB once started (source runs through
 * tsx) and 83 MB of wasm heap for 256-pixel tiles. Past 8 the memory grows faster than it pays.
 */
const MAX_TILE_WORKERS = 8;

/** Transform workers for one image at a time: one per core, at most MAX_TILE_WORKERS. */
export function defaultTileWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_TILE_WORKERS));
}

export interface TilePoolOptions {
  params: ParamStore;
  stages: number;
  workers: number;
  /** The tiling whose largest tile the buffers must hold. */
  tiling: Tiling;
}

/** The analysis and synthesis weights (what transforms.ts reads: ga.*, gs.*). */
function transformWeights(params: ParamStore): NamedWeights[] {
  return params.entries
    .filter((e) => e.name.startsWith('ga.') || e.name.startsWith('gs.'))
    .map((e) => ({ name: e.name, shape: e.shape, data: Float32Array.from(e.variable.dataSync() as Float32Array) }));
}

/** Output channels of the last conv of a transform (sub-pixel convs end with 4x the channels). */
function lastChannels(params: ParamStore, prefix: string, stages: number): number {
  const shape = params.get(`${prefix}.${stages - 1}.w`).shape;
  return shape[shape.length - 1]!;
}

export class TilePool implements TransformRunner {
  readonly workers: number;
  readonly exited: Promise<void>;
  private readonly slots: TileSlot[];
  private readonly team: ThreadTeam<{ tiles: number }>;
  private readonly free: number[];
  private readonly waiting: Array<(i: number) => void> = [];
  private readonly down: number;
  private readonly m: number;
  private readonly channels: number;

  constructor(o: TilePoolOptions) {
    if (!Number.isInteger(o.workers) || o.workers < 1) throw new RangeError(`a tile pool needs at least one worker, got ${o.workers}`);
    this.workers = o.workers;
    this.down = 2 ** o.stages;
    this.m = lastChannels(o.params, 'ga', o.stages);
    this.channels = lastChannels(o.params, 'gs', o.stages) / 4;
    const size = slotFloats(o.tiling, o.stages, this.channels, this.m);
    const weights = transformWeights(o.params);
    this.slots = Array.from({ length: o.workers }, () => createSlot(size.input, size.output));
    this.free = this.slots.map((_, i) => i);
    const controls = this.slots.map((slot) => new Int32Array(slot.control));
    this.team = new ThreadTeam({
      what: 'tile worker',
      count: o.workers,
      start: (i) => startWorkerTask(tileRunnerTask, { stages: o.stages, weights, slot: this.slots[i]! }),
      control: (i) => ({ ctl: controls[i]!, base: 0 }),
    });
    this.exited = this.team.exited;
  }

  analysis(tile: TensorTile): Promise<TensorTile> {
    return this.run(OP.analysis, tile, (tile.h / this.down) * (tile.w / this.down) * this.m);
  }

  synthesis(tile: TensorTile): Promise<TensorTile> {
    return this.run(OP.synthesis, tile, tile.h * this.down * tile.w * this.down * this.channels);
  }

  /** Each worker's tf.memory().numTensors (tests: nothing piles up between tiles). */
  async numTensors(): Promise<number[]> {
    const out: number[] = [];
    for (let k = 0; k < this.workers; k++) {
      const i = await this.acquire();
      try {
        await this.team.send(i, OP.inspect);
        await this.team.idle(i);
        out.push(Atomics.load(new Int32Array(this.slots[i]!.control), CTL.numTensors));
      } finally {
        this.release(i);
      }
    }
    return out;
  }

  dispose(): void {
    void this.close();
  }

  /** Stops every worker and waits for its thread to exit; never throws. */
  close(): Promise<void> {
    return this.team.close(OP.stop);
  }

  private acquire(): Promise<number> {
    this.team.check();
    const i = this.free.shift();
    return i !== undefined ? Promise.resolve(i) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(i: number): void {
    const next = this.waiting.shift();
    if (next) next(i);
    else this.free.push(i);
  }

  private async run(op: number, tile: TensorTile, outFloats: number): Promise<TensorTile> {
    if (this.team.closed) throw new Error('the tile pool is closed');
    const i = await this.acquire();
    try {
      const slot = this.slots[i]!;
      const input = new Float32Array(slot.input);
      const output = new Float32Array(slot.output);
      if (tile.data.length > input.length || outFloats > output.length)
        throw new RangeError(`a ${tile.h}x${tile.w}x${tile.c} tile is larger than the tiling this pool was sized for`);
      input.set(tile.data);
      await this.team.send(i, op, [
        [CTL.h, tile.h],
        [CTL.w, tile.w],
        [CTL.c, tile.c],
      ]);
      await this.team.idle(i);
      const ctl = new Int32Array(slot.control);
      const h = Atomics.load(ctl, CTL.outH);
      const w = Atomics.load(ctl, CTL.outW);
      const c = Atomics.load(ctl, CTL.outC);
      return { data: output.slice(0, h * w * c), h, w, c };
    } finally {
      this.release(i);
    }
  }
}

/**
 * A chooser for one loaded model: images of one tile stay in this thread (no pool started, the
 * whole-image result); larger ones go to a pool of `workers` threads, started on first need and
 * kept for the model's next images. close() stops it.
 */
export function pooledChooser(workers: number, tiling: Tiling): { choose: ChooseRunner; threads(): number; close(): Promise<void> } {
  let pool: TilePool | undefined;
  return {
    threads: () => pool?.workers ?? 0,
    choose: (r) => {
      if (r.tiles <= 1 || workers <= 1) return inThread(r);
      pool ??= new TilePool({ params: r.params, stages: r.stages, workers, tiling });
      return { runner: pool, parallel: workers };
    },
    close: async () => {
      await pool?.close();
    },
  };
}
