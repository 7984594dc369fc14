// Adam with the update fused into one JavaScript loop per variable. tfjs's Adam runs about a
// dozen tensor ops per variable per step, each a full pass over the weights in memory; here the
// gradients are read once, moments and weights live in Float32Arrays, and each variable gets one
// assign. On wasm this makes the dense model's step about 12% cheaper (bench:train). Same formula
// as tf.train.adam (bias-corrected moments, epsilon 1e-7).
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * Arrays (one per variable, of its size) the optimizer keeps the weights in, e.g. views of
   * shared memory that training replicas read before each step. Default: private copies.
   */
  storage?: Float32Array[];
}

/** Everything the optimizer carries between steps besides the weights (saved in training checkpoints). */
export interface AdamState {
  steps: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class FusedAdam {
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weights: Float32Array[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private steps = 0;

  constructor(
    private readonly vars: tf.Variable[],
    learningRate: number,
    opts: AdamOptions = {},
  ) {
    this.learningRate = learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    const storage = opts.storage;
    if (storage && (storage.length !== vars.length || storage.some((a, k) => a.length !== vars[k]!.size)))
      throw new Error('optimizer storage does not fit the variables');
    this.weights = vars.map((v, k) => {
      const values = v.dataSync() as Float32Array;
      if (!storage) return Float32Array.from(values);
      storage[k]!.set(values);
      return storage[k]!;
    });
    this.m = vars.map((v) => new Float32Array(v.size));
    this.v = vars.map((v) => new Float32Array(v.size));
  }

  /** A copy of the moments and step count. */
  snapshot(): AdamState {
    return { steps: this.steps, m: this.m.map((a) => a.slice()), v: this.v.map((a) => a.slice()) };
  }

  /** Continues from a snapshot of an optimizer over the same variables (the weights are the variables' current values). */
  restore(state: AdamState): void {
    const fits = (arrays: Float32Array[]) => arrays.length === this.m.length && arrays.every((a, k) => a.length === this.m[k]!.length);
    if (!fits(state.m) || !fits(state.v)) throw new Error('optimizer state does not fit this model');
    state.m.forEach((a, k) => this.m[k]!.set(a));
    state.v.forEach((a, k) => this.v[k]!.set(a));
    this.steps = state.steps;
    // The variables may have been set after construction (a restored checkpoint): start from them.
    this.vars.forEach((v, k) => this.weights[k]!.set(v.dataSync() as Float32Array));
  }

  /**
   * One optimizer step: the loss's gradients with respect to the variables (tfjs autograd),
   * applied in place. Returns the loss value. Every tensor made here is freed.
   */
  minimize(loss: () => tf.Scalar): number {
    return this.step(() => {
      const r = tf.variableGrads(loss, this.vars);
      return { loss: r.value, grads: this.vars.map((v) => r.grads[v.name]!) };
    });
  }

  /**
   * One optimizer step from a function giving the loss and the gradients (in the order of the
   * variables); it runs inside tf.tidy. Returns the loss value.
   */
  step(compute: () => { loss: tf.Scalar; grads: tf.Tensor[] }): number {
    const { loss, grads } = tf.tidy(compute);
    try {
      this.apply(grads.map((g) => g.dataSync() as Float32Array));
      return loss.dataSync()[0]!;
    } finally {
      tf.dispose([loss, ...grads]);
    }
  }

  /** Applies one Adam update from gradients already read (same order as the variables). */
  apply(grads: Float32Array[]): void {
    this.steps++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const c1 = 1 / (1 - Math.pow(b1, this.steps));
    const c2 = 1 / (1 - Math.pow(b2, this.steps));
    const lr = this.learningRate;
    for (let k = 0; k < this.vars.length; k++) {
      const g = grads[k]!;
      const w = this.weights[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = b2 * v[i]! + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i]! - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
      }
      const variable = this.vars[k]!;
      // wasm copies the array into its heap; other backends may keep it, and w changes next step.
      tf.tidy(() => variable.assign(tf.tensor(tf.getBackend() === 'wasm' ? w : w.slice(), variable.shape, 'float32')));
    }
  }
}
