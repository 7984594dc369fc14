// The coordinator's side of the helper replicas: starts one worker thread per helper
// (replica-task.ts, through the jobs' worker machinery, so source and bundled builds both work),
// hands each its shard of a step through shared memory and collects the gradients. A helper that
// fails fails the step that waits on it; close() stops every helper and waits for its thread.
import { startWorkerTask, type WorkerHandle } from '../../jobs/worker-host.js';
import type { RdShardResult, RdStepDraw } from '../rd-step.js';
import type { LearnedHyper } from '../train-rd.js';
import { ring, waitFor } from './doorbell.js';
import {
  batchView,
  controlOf,
  createLayout,
  CTL,
  gradientViews,
  OP,
  READY,
  RESULT,
  resultView,
  weightViews,
  type SharedLayout,
} from './layout.js';
import type { ShardRange } from './shards.js';

export interface ReplicaPoolOptions {
  hyper: LearnedHyper;
  channels: 1 | 3;
  distortion: 'mse' | 'bce';
  seed: number;
  /** Elements of each parameter, in manifest order. */
  sizes: number[];
  helpers: number;
  batchSize: number;
  sampleSize: number;
}

/** What a helper holds, as it would start its next step. */
export interface ReplicaState {
  weights: Float32Array[];
  numTensors: number;
}

/** What a training run shows of its replicas (tests and diagnostics). */
export interface ReplicaView {
  /** Helper replicas (worker threads besides the coordinator's). */
  readonly helpers: number;
  /** Each helper loads the shared weights as a step does and reports its variables. */
  inspect(): Promise<ReplicaState[]>;
  /** Settles once every helper's thread has exited. */
  readonly exited: Promise<void>;
}

/** How long close() waits for a helper to finish its command and stop before cancelling it. */
const STOP_WAIT_MS = 10_000;

export class ReplicaPool implements ReplicaView {
  /** The shared weights (the optimizer's storage). */
  readonly weights: Float32Array[];
  readonly exited: Promise<void>;
  private readonly layout: SharedLayout;
  private readonly handles: WorkerHandle<{ steps: number }>[];
  private readonly seq: number[];
  private failure: Error | null = null;
  private closing = false;

  private constructor(o: ReplicaPoolOptions) {
    this.layout = createLayout(o.sizes, o.helpers, o.batchSize, o.sampleSize);
    this.weights = weightViews(this.layout);
    this.seq = Array.from({ length: o.helpers }, () => READY);
    this.handles = Array.from({ length: o.helpers }, (_, index) =>
      startWorkerTask('engine.rd-replica', {
        hyper: o.hyper,
        channels: o.channels,
        distortion: o.distortion,
        seed: o.seed,
        index,
        layout: this.layout,
      }),
    );
    this.handles.forEach((h, i) =>
      h.result.then(
        () => {
          if (!this.closing) this.failure ??= new Error(`training replica ${i + 1} stopped unexpectedly`);
        },
        (err: unknown) => {
          this.failure ??= new Error(`training replica ${i + 1} failed: ${(err as Error).message}`);
        },
      ),
    );
    this.exited = Promise.all(this.handles.map((h) => h.exited)).then(() => undefined);
  }

  /** Starts the helpers; they build their models while the coordinator prepares (the first step waits for them). */
  static start(o: ReplicaPoolOptions): ReplicaPool {
    return new ReplicaPool(o);
  }

  get helpers(): number {
    return this.handles.length;
  }

  private readonly check = (): void => {
    if (this.failure) throw this.failure;
  };

  /** Waits until helper i has finished its last command. */
  private idle(i: number): Promise<void> {
    const { ctl, base } = controlOf(this.layout, i);
    return waitFor(ctl, base + CTL.ack, this.seq[i]!, this.check);
  }

  private async send(i: number, op: number, fields: Partial<Record<'level' | 'first' | 'count' | 'seed', number>> = {}): Promise<void> {
    await this.idle(i);
    const { ctl, base } = controlOf(this.layout, i);
    for (const [k, v] of Object.entries(fields) as [keyof typeof fields, number][]) Atomics.store(ctl, base + CTL[k], v);
    Atomics.store(ctl, base + CTL.op, op);
    // Everything written before this store (weights, batch, fields) is visible to the helper that reads it.
    ring(ctl, base + CTL.cmd, ++this.seq[i]!);
  }

  /** Hands helper i its shard (ranges[i]) of the batch; returns once every helper has it. */
  async dispatch(data: Float32Array, ranges: ShardRange[], draw: RdStepDraw): Promise<void> {
    if (ranges.length > this.handles.length) throw new Error('more shards than helper replicas');
    const batch = batchView(this.layout);
    const s = this.layout.sampleSize;
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i]!;
      await this.idle(i);
      batch.set(data.subarray(r.first * s, (r.first + r.count) * s), r.first * s);
      await this.send(i, OP.step, { level: draw.level, first: r.first, count: r.count, seed: draw.noiseSeed });
    }
  }

  /** The results of the first n helpers' shards; the gradients are views of shared memory, valid until the next dispatch. */
  async collect(n: number): Promise<RdShardResult[]> {
    const out: RdShardResult[] = [];
    for (let i = 0; i < n; i++) {
      await this.idle(i);
      const r = resultView(this.layout, i);
      out.push({ loss: r[RESULT.loss]!, bpp: r[RESULT.bpp]!, mse: r[RESULT.mse]!, grads: gradientViews(this.layout, i) });
    }
    return out;
  }

  /** Waits until every helper has built its model. */
  async ready(): Promise<void> {
    for (let i = 0; i < this.handles.length; i++) await this.idle(i);
  }

  async inspect(): Promise<ReplicaState[]> {
    const out: ReplicaState[] = [];
    for (let i = 0; i < this.handles.length; i++) {
      await this.send(i, OP.inspect);
      await this.idle(i);
      out.push({
        weights: gradientViews(this.layout, i).map((g) => g.slice()),
        numTensors: resultView(this.layout, i)[RESULT.numTensors]!,
      });
    }
    return out;
  }

  /** Stops every helper and waits for its thread to exit; never throws (the run's own error matters more). */
  async close(): Promise<void> {
    if (this.closing) return this.exited;
    this.closing = true;
    const timeout = <T>(p: Promise<T>) =>
      Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_WAIT_MS).unref())]);
    await Promise.all(
      this.handles.map(async (h, i) => {
        const stopped = this.failure ? false : await timeout(this.send(i, OP.stop)).catch(() => false);
        if (!stopped) h.cancel();
        await h.result.catch(() => undefined);
      }),
    );
    await this.exited;
  }
}
