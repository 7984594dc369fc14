// Kernels the wasm backend lacks for training, written with ops it has (its XNNPACK conv2d):
// - Conv2DBackpropFilter (missing): the filter gradient is a conv2d of the transposed input with
//   the transposed dy as filter, dilation = stride, then a slice and a transpose.
// - Conv2DBackpropInput (stock one is slow loop code): zero-insert dy by the stride, pad, and
//   correlate with the 180-degree-rotated, in/out-swapped filter.
// - BatchMatMul and _FusedMatMul with transposeA/transposeB (every dense layer's gradient): the
//   stock kernel falls back to naive loops there, about 10x slower than its XNNPACK path; an
//   explicit transpose first keeps every product on the fast path.
// A kernel may return a Tensor made by ops; tf.tidy frees the intermediates.
import * as tf from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: Rounding;
}

function pair(v: [number, number] | number): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/** dW for y = conv2d(x, W): x [b,H,W,ci], dy [b,oh,ow,co] -> [kh,kw,ci,co]. */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filterShape;
    const [sh, sw] = pair(attrs.strides);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      [sh, sw],
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const xp =
      top || bottom || left || right
        ? tf.pad(x, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ])
        : x;
    const xt = tf.transpose(xp, [3, 1, 2, 0]); // [ci, H', W', b]: batch <-> channels
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]: dy as the filter
    const r = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [sh, sw]); // [ci, >=kh, >=kw, co]
    const cut = tf.slice(r, [0, 0, 0, 0], [ci, kh, kw, co]);
    return tf.transpose(cut, [1, 2, 0, 3]);
  });
}

/** dx for y = conv2d(x, W): dy [b,oh,ow,co], W [kh,kw,ci,co] -> [b,H,W,ci] (inputShape). */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: [number, number, number, number],
  attrs: ConvAttrs,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, H, W, ci] = inputShape;
    const [kh, kw] = filter.shape;
    const [sh, sw] = pair(attrs.strides);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      [sh, sw],
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const [, oh, ow, co] = dy.shape;
    let up: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      // Insert stride-1 zeros between dy's samples.
      const six = tf.reshape(dy, [b, oh, 1, ow, 1, co]);
      const padded = tf.pad(six, [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      const flat = tf.reshape(padded, [b, oh * sh, ow * sw, co]);
      up = tf.slice(flat, [0, 0, 0, 0], [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, co]) as tf.Tensor4D;
    }
    const uh = up.shape[1];
    const uw = up.shape[2];
    const padT = kh - 1 - info.padInfo.top;
    const padL = kw - 1 - info.padInfo.left;
    const padB = H + kh - 1 - uh - padT;
    const padR = W + kw - 1 - uw - padL;
    // Negative pads (inputs cut off by 'valid') become slices.
    let g = tf.pad(up, [
      [0, 0],
      [Math.max(padT, 0), Math.max(padB, 0)],
      [Math.max(padL, 0), Math.max(padR, 0)],
      [0, 0],
    ]);
    if (padT < 0 || padB < 0 || padL < 0 || padR < 0) {
      const t0 = Math.max(-padT, 0);
      const l0 = Math.max(-padL, 0);
      g = tf.slice(g, [0, t0, l0, 0], [b, g.shape[1] - t0 - Math.max(-padB, 0), g.shape[2] - l0 - Math.max(-padR, 0), co]);
    }
    const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [kh,kw,co,ci]
    const dx = tf.conv2d(g, rotated, 1, 'valid');
    return dx.shape[3] === ci ? dx : tf.reshape(dx, inputShape);
  });
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Wraps a stock matmul kernel: transposed operands are transposed explicitly, then multiplied plainly. */
function untransposed(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    ...stock,
    kernelFunc: (args: KernelArgs) => {
      const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
      if (!transposeA && !transposeB) return stock.kernelFunc(args);
      const a = args.inputs.a as tf.Tensor;
      const b = args.inputs.b as tf.Tensor;
      const swapLast = (t: tf.Tensor) =>
        tf.transpose(
          t,
          [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : i === all.length - 2 ? all.length - 1 : all.length - 2)),
        );
      const a2 = transposeA ? swapLast(a) : a;
      const b2 = transposeB ? swapLast(b) : b;
      try {
        return stock.kernelFunc({
          ...args,
          inputs: { ...args.inputs, a: a2, b: b2 },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        if (a2 !== a) a2.dispose();
        if (b2 !== b) b2.dispose();
      }
    },
  };
}

let registered = false;

/** Registers the kernels for 'wasm'; call after importing @tensorflow/tfjs-backend-wasm. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
      return conv2dFilterGrad(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape, a);
    },
  });
  // Benchmarks set this to measure stock tfjs (only the missing kernel is added).
  if (process.env.LATENT_STUDIO_STOCK_KERNELS === '1') return;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(untransposed(stock));
  }
  if (tf.getKernel('Conv2DBackpropInput', 'wasm')) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
      return conv2dInputGrad(inputs.dy as tf.Tensor4D, inputs.filter as tf.Tensor4D, a.inputShape, a);
    },
  });
}
