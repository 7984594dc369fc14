// One training step's gradients over `workers` replicas: the coordinator's thread computes the
// first shard itself while the helpers compute the others, then the shards are combined weighted
// by their sizes. With one worker this is exactly the single-threaded computation (no pool, no
// copies), so such runs stay bit-exact with earlier ones.
import type * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../models/layers/params.js';
import { rdGradients, type RdShardResult, type RdStepDraw, type RdStepSpec } from '../rd-step.js';
import type { LearnedHyper } from '../train-rd.js';
import { ReplicaPool, type ReplicaState, type ReplicaView } from './replica-pool.js';
import { combineShards, splitBatch } from './shards.js';

export class DataParallelGradients implements ReplicaView {
  private readonly pool: ReplicaPool | undefined;
  private readonly sampleSize: number;

  /** Starts workers - 1 helper replicas (none for one worker); they build while the caller prepares. */
  constructor(
    private readonly spec: RdStepSpec<LearnedHyper>,
    private readonly params: ParamStore,
    private readonly vars: tf.Variable[],
    readonly workers: number,
    private readonly batchSize: number,
    seed: number,
  ) {
    this.sampleSize = spec.impl.batchShape(spec.hyper, 1, spec.edge, spec.channels).reduce((a, b) => a * b, 1);
    this.pool =
      workers > 1
        ? ReplicaPool.start({
            hyper: spec.hyper,
            channels: spec.channels,
            distortion: spec.distortion,
            seed,
            sizes: vars.map((v) => v.size),
            helpers: workers - 1,
            batchSize,
            sampleSize: this.sampleSize,
          })
        : undefined;
  }

  /** The shared weights the optimizer must update in place (undefined with one worker). */
  get sharedWeights(): Float32Array[] | undefined {
    return this.pool?.weights;
  }

  get helpers(): number {
    return this.pool?.helpers ?? 0;
  }

  get exited(): Promise<void> {
    return this.pool?.exited ?? Promise.resolve();
  }

  /** Resolves once every helper has built its model (their start is not step time). */
  ready(): Promise<void> {
    return this.pool?.ready() ?? Promise.resolve();
  }

  inspect(): Promise<ReplicaState[]> {
    return this.pool?.inspect() ?? Promise.resolve([]);
  }

  /** Loss, parts and gradients of the whole batch (the gradient arrays are the caller's to change). */
  async compute(data: Float32Array, draw: RdStepDraw): Promise<RdShardResult> {
    const n = data.length / this.sampleSize;
    if (!this.pool) return rdGradients(this.spec, this.params, this.vars, { data, first: 0, count: n }, draw);
    const ranges = splitBatch(n, this.workers);
    const [mine, ...theirs] = ranges;
    await this.pool.dispatch(data, theirs, draw);
    const own = rdGradients(this.spec, this.params, this.vars, { data: data.subarray(0, mine!.count * this.sampleSize), ...mine! }, draw);
    const helpers = await this.pool.collect(theirs.length);
    return combineShards([own, ...helpers], ranges);
  }

  close(): Promise<void> {
    return this.pool?.close() ?? Promise.resolve();
  }
}
