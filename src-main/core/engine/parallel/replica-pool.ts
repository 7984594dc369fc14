// The coordinator's side of the helper replicas: starts one worker thread per helper
// (replica-task.ts, through the jobs' worker machinery, so source and bundled builds both work),
// hands each its shard of a step through shared memory and collects the gradients. A helper that
// fails fails the step that waits on it (thread-team.ts); close() stops every helper and waits
// for its thread.
import { startWorkerTask } from '../../workers/host.js';
import { rdReplicaTask } from '../tasks.js';
import type { RdShardResult, RdStepDraw } from '../rd-step.js';
import type { LearnedHyper } from '../train-rd.js';
import {
  batchView,
  controlOf,
  createLayout,
  CTL,
  gradientViews,
  OP,
  RESULT,
  resultView,
  weightViews,
  type SharedLayout,
} from './layout.js';
import type { ShardRange } from './shards.js';
import { ThreadTeam } from './thread-team.js';

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

export class ReplicaPool implements ReplicaView {
  /** The shared weights (the optimizer's storage). */
  readonly weights: Float32Array[];
  readonly exited: Promise<void>;
  private readonly layout: SharedLayout;
  private readonly team: ThreadTeam<{ steps: number }>;

  private constructor(o: ReplicaPoolOptions) {
    this.layout = createLayout(o.sizes, o.helpers, o.batchSize, o.sampleSize);
    this.weights = weightViews(this.layout);
    this.team = new ThreadTeam({
      what: 'training replica',
      count: o.helpers,
      start: (index) =>
        startWorkerTask(rdReplicaTask, {
          hyper: o.hyper,
          channels: o.channels,
          distortion: o.distortion,
          seed: o.seed,
          index,
          layout: this.layout,
        }),
      control: (i) => controlOf(this.layout, i),
    });
    this.exited = this.team.exited;
  }

  /** Starts the helpers; they build their models while the coordinator prepares (the first step waits for them). */
  static start(o: ReplicaPoolOptions): ReplicaPool {
    return new ReplicaPool(o);
  }

  get helpers(): number {
    return this.team.size;
  }

  /** Hands helper i its shard (ranges[i]) of the batch; returns once every helper has it. */
  async dispatch(data: Float32Array, ranges: ShardRange[], draw: RdStepDraw): Promise<void> {
    if (ranges.length > this.team.size) throw new Error('more shards than helper replicas');
    const batch = batchView(this.layout);
    const s = this.layout.sampleSize;
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i]!;
      await this.team.idle(i);
      batch.set(data.subarray(r.first * s, (r.first + r.count) * s), r.first * s);
      await this.team.send(i, OP.step, [
        [CTL.level, draw.level],
        [CTL.first, r.first],
        [CTL.count, r.count],
        [CTL.seed, draw.noiseSeed],
      ]);
    }
  }

  /** The results of the first n helpers' shards; the gradients are views of shared memory, valid until the next dispatch. */
  async collect(n: number): Promise<RdShardResult[]> {
    const out: RdShardResult[] = [];
    for (let i = 0; i < n; i++) {
      await this.team.idle(i);
      const r = resultView(this.layout, i);
      out.push({ loss: r[RESULT.loss]!, bpp: r[RESULT.bpp]!, mse: r[RESULT.mse]!, grads: gradientViews(this.layout, i) });
    }
    return out;
  }

  /** Waits until every helper has built its model. */
  async ready(): Promise<void> {
    for (let i = 0; i < this.team.size; i++) await this.team.idle(i);
  }

  async inspect(): Promise<ReplicaState[]> {
    const out: ReplicaState[] = [];
    for (let i = 0; i < this.team.size; i++) {
      await this.team.send(i, OP.inspect);
      await this.team.idle(i);
      out.push({
        weights: gradientViews(this.layout, i).map((g) => g.slice()),
        numTensors: resultView(this.layout, i)[RESULT.numTensors]!,
      });
    }
    return out;
  }

  /** Stops every helper and waits for its thread to exit; never throws (the run's own error matters more). */
  close(): Promise<void> {
    return this.team.close(OP.stop);
  }
}
