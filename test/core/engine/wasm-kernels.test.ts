// The kernels registered for wasm against the cpu backend on random inputs: same and valid
// padding, strides 1 to 3, several shapes (tolerance 1e-4 relative).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { conv2dFilterGrad } from '../../../src-main/core/engine/wasm-kernels.js';

type Shape4 = [number, number, number, number];

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale || 1);
}

beforeAll(async () => {
  process.env.LATENT_STUDIO_BACKEND = 'wasm';
  expect((await chooseBackend()).backend).toBe('wasm');
});

const cases: { pad: 'same' | 'valid'; stride: number; x: Shape4; f: Shape4 }[] = [];
for (const pad of ['same', 'valid'] as const)
  for (const stride of [1, 2, 3])
    for (const [x, f] of [
      [
        [2, 9, 11, 3],
        [3, 3, 3, 4],
      ],
      [
        [1, 16, 16, 2],
        [5, 5, 2, 3],
      ],
      [
        [3, 7, 8, 4],
        [4, 2, 4, 2],
      ],
      // Kernels smaller than the stride: some output phases get no taps at all.
      [
        [2, 10, 9, 2],
        [1, 2, 2, 3],
      ],
    ] as [Shape4, Shape4][])
      cases.push({ pad, stride, x, f });

describe('wasm training kernels', () => {
  it.each(cases)(
    'Conv2DBackpropFilter and Conv2DBackpropInput match cpu: pad $pad stride $stride x $x f $f',
    async ({ pad, stride, x, f }) => {
      const xs = tf.randomNormal(x, 0, 1, 'float32', 1);
      const fs = tf.randomNormal(f, 0, 1, 'float32', 2);
      const y = tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, stride, pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
      const attrs = { strides: [stride, stride], pad, dataFormat: 'NHWC' };
      const before = tf.memory().numTensors;
      const gf = tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x: xs, dy }, { ...attrs, filterShape: f } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const gx = tf
        .engine()
        .runKernel('Conv2DBackpropInput', { dy, filter: fs }, { ...attrs, inputShape: x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      expect(gf.shape).toEqual(f);
      expect(gx.shape).toEqual(x);
      const [wasmF, wasmX] = [await gf.data(), await gx.data()];
      const [xd, fd, dyd] = [await xs.data(), await fs.data(), await dy.data()];
      gf.dispose();
      gx.dispose();
      expect(tf.memory().numTensors).toBe(before);

      await tf.setBackend('cpu');
      const ref = tf.tidy(() => {
        const [gxc, gfc] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))(
          [tf.tensor(xd, x), tf.tensor(fd, f)],
          tf.tensor(dyd, y.shape),
        );
        return { f: gfc!.dataSync(), x: gxc!.dataSync() };
      });
      await tf.setBackend('wasm');
      tf.dispose([xs, fs, y, dy]);
      expect(maxRelErr(wasmF, ref.f)).toBeLessThan(1e-4);
      expect(maxRelErr(wasmX, ref.x)).toBeLessThan(1e-4);
    },
  );
});

// Every dense layer's gradient multiplies transposed operands; the wrapper transposes explicitly.
const matmuls: { a: number[]; b: number[]; ta: boolean; tb: boolean; fused: boolean }[] = [];
for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const)
  for (const fused of [false, true])
    for (const [m, k, n, batch] of [
      [5, 7, 3, 0],
      [64, 40, 33, 0],
      [6, 9, 4, 3],
    ] as const) {
      const lead = batch ? [batch] : [];
      matmuls.push({ a: [...lead, ...(ta ? [k, m] : [m, k])], b: [...lead, ...(tb ? [n, k] : [k, n])], ta, tb, fused });
    }

describe('wasm matmul with transposed operands', () => {
  it.each(matmuls)('matches cpu: a $a b $b transposeA $ta transposeB $tb fused $fused', async ({ a, b, ta, tb, fused }) => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal(a, 0, 1, 'float32', 4);
        const y = tf.randomNormal(b, 0, 1, 'float32', 5);
        const n = b[b.length - (tb ? 2 : 1)]!;
        const bias = tf.randomNormal([n], 0, 1, 'float32', 6);
        const out = fused
          ? tf.fused.matMul({ a: x, b: y, transposeA: ta, transposeB: tb, bias, activation: 'relu' })
          : tf.matMul(x, y, ta, tb);
        return out.dataSync();
      });
    const before = tf.memory().numTensors;
    const wasm = run();
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    expect(wasm.length).toBe(cpu.length);
    expect(maxRelErr(wasm, cpu)).toBeLessThan(1e-4);
  });
});

// The same filter-gradient formulation replaces the cpu backend's (element-by-element) kernel when
// cpu is the chosen backend; here it runs on cpu against that stock kernel, still registered in
// this process because wasm was chosen.
describe('cpu Conv2DBackpropFilter replacement', () => {
  it.each(cases)('matches the stock cpu kernel: pad $pad stride $stride x $x f $f', async ({ pad, stride, x, f }) => {
    await tf.setBackend('cpu');
    try {
      const [ours, stock] = tf.tidy(() => {
        const xs = tf.randomNormal(x, 0, 1, 'float32', 7) as tf.Tensor4D;
        const fs = tf.randomNormal(f, 0, 1, 'float32', 8) as tf.Tensor4D;
        const dy = tf.randomNormal(tf.conv2d(xs, fs, stride, pad).shape, 0, 1, 'float32', 9) as tf.Tensor4D;
        const mine = conv2dFilterGrad(xs, dy, f, { strides: stride, pad });
        const [, ref] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))([xs, fs], dy);
        return [mine.dataSync(), ref!.dataSync()];
      });
      expect(maxRelErr(ours, stock)).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
