// Builds an ONNX graph in NCHW from the studio's NHWC weights: a few node helpers for the ops the
// learned transforms use, each reproducing its tfjs counterpart exactly (padding, channel order,
// weight layout). Plain data in, plain data out: no tfjs and no onnxruntime here.
import type { GraphSpec, NodeSpec, TensorSpec, ValueSpec } from './onnx-proto.js';

/** A weight in the studio's layout (conv kernels [k, k, cin, cout], as tfjs stores them). */
export interface Weight {
  data: Float32Array;
  shape: readonly number[];
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private next = 0;

  constructor(private readonly name: string) {}

  input(name: string, shape: ReadonlyArray<number | string>): string {
    this.inputs.push({ name, shape });
    return name;
  }

  /** Names `value` as a graph output (an Identity, so any value can be one). */
  output(value: string, name: string, shape: ReadonlyArray<number | string>): void {
    this.nodes.push({ op: 'Identity', inputs: [value], outputs: [name] });
    this.outputs.push({ name, shape });
  }

  /** Adds a float32 initializer (a weight) and returns its name. */
  constant(dims: readonly number[], float32: Float32Array): string {
    const name = `w${this.next++}`;
    this.initializers.push({ name, dims, float32 });
    return name;
  }

  /** Adds a node with one output and returns that output's name. */
  node(op: string, inputs: readonly string[], attrs?: NodeSpec['attrs']): string {
    const out = `${op.toLowerCase()}${this.next++}`;
    this.nodes.push({ op, inputs, outputs: [out], name: out, ...(attrs ? { attrs } : {}) });
    return out;
  }

  build(): GraphSpec {
    return { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }
}

/**
 * TF 'same' padding as explicit ONNX pads for an input size that is a multiple of the stride:
 * the total is k - stride, the odd one goes after (a 5x5 stride-2 conv pads 1 before, 2 after).
 */
export function samePads(k: number, stride: number): [number, number] {
  const total = Math.max(k - stride, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** A [k, k, cin, cout] kernel as ONNX's [cout, cin, k, k]. */
export function ohwiFromHwio(w: Weight): Float32Array {
  const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
  if (w.shape.length !== 4 || w.data.length !== kh * kw * cin * cout) throw new RangeError(`onnx: a conv kernel must be [k, k, cin, cout], got [${w.shape.join(', ')}]`);
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = w.data[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** conv2d(x, w, stride, 'same') + b, in NCHW. */
export function conv(g: GraphBuilder, x: string, w: Weight, b: Weight, stride: number): string {
  const [k, , cin, cout] = w.shape as [number, number, number, number];
  if (b.data.length !== cout) throw new RangeError(`onnx: conv bias has ${b.data.length} values for ${cout} outputs`);
  const [before, after] = samePads(k, stride);
  const wn = g.constant([cout, cin, k, k], ohwiFromHwio(w));
  const bn = g.constant([cout], b.data);
  return g.node('Conv', [x, wn, bn], {
    kernel_shape: [k, k],
    strides: [stride, stride],
    pads: [before, before, after, after],
    dilations: [1, 1],
    group: 1,
  });
}

/** tf.depthToSpace by 2 (DCR: channel (dy*2 + dx)*C + c goes to sub-position (dy, dx), channel c). */
export function depthToSpace2(g: GraphBuilder, x: string): string {
  return g.node('DepthToSpace', [x], { blocksize: 2, mode: 'DCR' });
}

/**
 * GDN (x / sqrt(norm)) or inverse GDN (x * sqrt(norm)), norm = beta + 1x1 conv of x^2 with gamma,
 * from the EFFECTIVE (bounded) beta [C] and gamma [C, C] (gamma[j][i]: weight of x_j^2 in channel i).
 */
export function gdn(g: GraphBuilder, x: string, beta: Float32Array, gamma: Float32Array, inverse: boolean): string {
  const c = beta.length;
  if (gamma.length !== c * c) throw new RangeError(`onnx: GDN gamma has ${gamma.length} values for ${c} channels`);
  const square = g.node('Mul', [x, x]);
  const norm = conv(g, square, { data: gamma, shape: [1, 1, c, c] }, { data: beta, shape: [c] }, 1);
  const root = g.node('Sqrt', [norm]);
  return g.node(inverse ? 'Mul' : 'Div', [x, root]);
}

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

export function transpose(g: GraphBuilder, x: string, perm: readonly number[]): string {
  return g.node('Transpose', [x], { perm });
}
