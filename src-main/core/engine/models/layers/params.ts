// Named, grouped trainable parameters of a learned model: the family's builder creates them, the
// trainer optimizes their variables, the model folder and the checkpoint store them as float32
// arrays in this order. Groups (analysis, synthesis, ...) say which part of the codec owns a
// weight: the decoder's hash covers only the groups the decoder needs.
import * as tf from '@tensorflow/tfjs';

export interface ParamEntry {
  name: string;
  group: string;
  shape: number[];
  variable: tf.Variable;
}

export interface ParamManifestEntry {
  name: string;
  group: string;
  shape: number[];
}

export class ParamStore {
  readonly entries: ParamEntry[] = [];
  private readonly byName = new Map<string, ParamEntry>();

  /** Adds a parameter initialised from `init` (which is kept by the variable, not copied). */
  add(name: string, group: string, init: tf.Tensor): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter ${name} defined twice`);
    const variable = tf.variable(init, true, `${name}_${nextId++}`);
    init.dispose();
    const entry: ParamEntry = { name, group, shape: [...variable.shape], variable };
    this.entries.push(entry);
    this.byName.set(name, entry);
    return variable;
  }

  get(name: string): tf.Variable {
    const e = this.byName.get(name);
    if (!e) throw new Error(`no parameter ${name}`);
    return e.variable;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  variables(): tf.Variable[] {
    return this.entries.map((e) => e.variable);
  }

  manifest(): ParamManifestEntry[] {
    return this.entries.map(({ name, group, shape }) => ({ name, group, shape }));
  }

  toArrays(): Float32Array[] {
    return this.entries.map((e) => Float32Array.from(e.variable.dataSync() as Float32Array));
  }

  /** Sets every variable from arrays in manifest order (a checkpoint or a saved model of the same hyperparameters). */
  setArrays(arrays: Float32Array[]): void {
    if (arrays.length !== this.entries.length || arrays.some((a, i) => a.length !== sizeOf(this.entries[i]!.shape)))
      throw new Error('stored weights do not fit this model (were the hyperparameters changed?)');
    arrays.forEach((a, i) => {
      const e = this.entries[i]!;
      tf.tidy(() => e.variable.assign(tf.tensor(a, e.shape, 'float32')));
    });
  }

  /** Float64 copies of the named parameters (for the exact-arithmetic paths of the codec). */
  float64(name: string): Float64Array {
    return Float64Array.from(this.get(name).dataSync() as Float32Array);
  }

  count(groups?: readonly string[]): number {
    return this.entries.filter((e) => !groups || groups.includes(e.group)).reduce((n, e) => n + sizeOf(e.shape), 0);
  }

  dispose(): void {
    for (const e of this.entries) e.variable.dispose();
  }
}

let nextId = 0;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Seeded uniform init like PyTorch's default for conv and linear layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function fanInUniform(shape: number[], fanIn: number, seed: number): tf.Tensor {
  const bound = 1 / Math.sqrt(Math.max(fanIn, 1));
  return tf.randomUniform(shape, -bound, bound, 'float32', seed);
}

/** Seeds for each parameter of a model: distinct, repeatable for the same model seed. */
export class SeedSequence {
  private k = 0;
  constructor(private readonly seed: number) {}
  next(): number {
    return (this.seed * 7919 + ++this.k * 104729) % 2147483647;
  }
}
