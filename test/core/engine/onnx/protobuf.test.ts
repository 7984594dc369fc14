// The hand-written protobuf and ONNX writer: canonical wire bytes (the examples of the protobuf
// encoding guide), and a graph using every op the transforms need that onnxruntime loads (a model
// that does not load fails the test) and runs like the same ops in tfjs, at two sizes through its
// free dimensions.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { mulberry32 } from '../../../../src-main/core/engine/random.js';
import { conv, depthToSpace2, gdn, GraphBuilder, NCHW_TO_NHWC, NHWC_TO_NCHW, samePads, transpose } from '../../../../src-main/core/engine/onnx/graph.js';
import { encodeModel } from '../../../../src-main/core/engine/onnx/onnx-proto.js';
import { ProtoWriter } from '../../../../src-main/core/engine/onnx/protobuf.js';

beforeAll(async () => {
  await chooseBackend();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function random(n: number, seed: number, lo: number, hi: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

describe('ProtoWriter', () => {
  it('writes the wire bytes of the protobuf encoding guide', () => {
    expect(hex(new ProtoWriter().varint(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish())).toBe('2206038e029ea705');
    expect(hex(new ProtoWriter().message(3, (w) => w.varint(1, 150)).finish())).toBe('1a03089601');
    // int64 -1: ten bytes of two's complement.
    expect(hex(new ProtoWriter().varint(1, -1).finish())).toBe('08ffffffffffffffffff01');
    expect(hex(new ProtoWriter().float(1, 1).finish())).toBe('0d0000803f');
    expect(() => new ProtoWriter().varint(1, 2 ** 53)).toThrow(/safe integer/);
  });

  it('keeps large byte fields whole and in order', () => {
    const big = random(100_000, 1, -1, 1);
    const bytes = new Uint8Array(big.buffer);
    const out = new ProtoWriter().varint(1, 7).bytes(9, bytes).varint(2, 1).finish();
    // tag 0x4a, then the length 400000 as a varint (3 bytes), then the bytes.
    expect(out.length).toBe(2 + 1 + 3 + bytes.length + 2);
    expect(hex(out.subarray(0, 6))).toBe('08074a80b518');
    expect(Buffer.from(out.subarray(6, 6 + bytes.length)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('ONNX writer through onnxruntime', () => {
  const c = 3;
  const n = 4;
  const w1 = { data: random(5 * 5 * c * n, 2, -0.3, 0.3), shape: [5, 5, c, n] };
  const b1 = { data: random(n, 3, -0.1, 0.1), shape: [n] };
  const beta = random(n, 4, 0.5, 1.5);
  // Not symmetric: a transposed gamma gives other norms.
  const gamma = random(n * n, 5, 0, 0.5);
  const w2 = { data: random(3 * 3 * n * 4 * 2, 6, -0.3, 0.3), shape: [3, 3, n, 8] };
  const b2 = { data: random(8, 7, -0.1, 0.1), shape: [8] };

  /** NHWC x -> conv 5x5/2 -> GDN -> conv 3x3 to 8 -> depth-to-space -> inverse GDN (2 channels, its own beta/gamma). */
  function model(): Uint8Array {
    const g = new GraphBuilder('ops');
    let h = transpose(g, g.input('x', [1, 'height', 'width', c]), NHWC_TO_NCHW);
    h = gdn(g, conv(g, h, w1, b1, 2), beta, gamma, false);
    h = gdn(g, depthToSpace2(g, conv(g, h, w2, b2, 1)), beta.subarray(0, 2), gamma.subarray(0, 4), true);
    g.output(transpose(g, h, NCHW_TO_NHWC), 'out', [1, 'out_height', 'out_width', 2]);
    return encodeModel({ graph: g.build(), producer: 'test' });
  }

  function tfjsReference(x: Float32Array, hh: number, ww: number): { data: Float32Array; shape: number[] } {
    return tf.tidy(() => {
      const norm = (t: tf.Tensor4D, be: Float32Array, ga: Float32Array, inv: boolean) => {
        const k = be.length;
        const s = tf.conv2d(tf.square(t), tf.tensor4d(ga, [1, 1, k, k]), 1, 'valid').add(tf.tensor1d(be));
        return tf.mul(t, inv ? tf.sqrt(s) : tf.rsqrt(s)) as tf.Tensor4D;
      };
      let h = tf.conv2d(tf.tensor4d(x, [1, hh, ww, c]), tf.tensor4d(w1.data, [5, 5, c, n]), 2, 'same').add(tf.tensor1d(b1.data)) as tf.Tensor4D;
      h = norm(h, beta, gamma, false);
      h = tf.depthToSpace(tf.conv2d(h, tf.tensor4d(w2.data, [3, 3, n, 8]), 1, 'same').add(tf.tensor1d(b2.data)) as tf.Tensor4D, 2);
      h = norm(h, beta.subarray(0, 2), gamma.subarray(0, 4), true);
      return { data: h.dataSync() as Float32Array, shape: h.shape };
    });
  }

  it("pads like TF 'same' on sizes that are multiples of the stride", () => {
    expect(samePads(5, 2)).toEqual([1, 2]);
    expect(samePads(3, 1)).toEqual([1, 1]);
    expect(samePads(1, 1)).toEqual([0, 0]);
  });

  it('loads in onnxruntime with free height and width, and runs Conv, GDN and DepthToSpace as tfjs does', async () => {
    const session = await ort.InferenceSession.create(model(), { intraOpNumThreads: 1 });
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['out']);
      const meta = session.inputMetadata[0]!;
      expect(meta.isTensor && meta.shape).toEqual([1, 'height', 'width', c]);
      for (const [hh, ww, seed] of [
        [6, 10, 8],
        [16, 4, 9],
      ] as const) {
        const x = random(hh * ww * c, seed, 0, 1);
        const out = (await session.run({ x: new ort.Tensor('float32', x, [1, hh, ww, c]) })).out!;
        const ref = tfjsReference(x, hh, ww);
        expect(out.dims).toEqual(ref.shape);
        const range = Math.max(...ref.data) - Math.min(...ref.data);
        expect(range).toBeGreaterThan(0.1);
        const got = out.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref.data[i]!));
        expect(worst).toBeLessThanOrEqual(1e-5 * range);
      }
    } finally {
      await session.release();
    }
  });

  it('a truncated model is refused by onnxruntime (the loader really parses what we write)', async () => {
    const bytes = model();
    await expect(ort.InferenceSession.create(bytes.subarray(0, bytes.length - 50))).rejects.toThrow();
  });
});
