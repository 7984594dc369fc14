// Kernels the wasm backend lacks for training, written with ops it has (its XNNPACK conv2d):
// - Conv2DBackpropFilter (missing): the filter gradient is a conv2d of the transposed input with
//   the transposed dy as filter, dilation = stride, then a slice and a transpose.
// - Conv2DBackpropInput (stock one is slow loop code; it is also the forward pass of every
//   conv2dTranspose layer): one XNNPACK conv2d in sub-pixel form, see conv2dInputGrad.
// - BatchMatMul and _FusedMatMul with transposeA/transposeB (every dense layer's gradient): the
//   stock kernel falls back to naive loops there, about 10x slower than its XNNPACK path; an
//   explicit transpose first keeps every product on the fast path. The stock _FusedMatMul also adds
//   the bias wrongly for batched (rank-3) products; those get bias and activation as plain ops.
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

/**
 * The filter of the sub-pixel form of dx (below): [Mh, Mw, co, sh*sw*ci] with
 * Wc[a, b, o, (ri*sw + rj)*ci + c] = W[ri + sh*(Mh-1-a), rj + sw*(Mw-1-b), c, o] (zero past the kernel).
 * Built in JS: filters are small, and the wasm backend has no fast 6-D transpose.
 */
function subPixelFilter(filter: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const mh = Math.ceil(kh / sh);
  const mw = Math.ceil(kw / sw);
  const src = filter.dataSync() as Float32Array;
  const outC = sh * sw * ci;
  const dst = new Float32Array(mh * mw * co * outC);
  for (let a = 0; a < mh; a++)
    for (let ri = 0; ri < sh; ri++) {
      const ky = ri + sh * (mh - 1 - a);
      if (ky >= kh) continue;
      for (let b = 0; b < mw; b++)
        for (let rj = 0; rj < sw; rj++) {
          const kx = rj + sw * (mw - 1 - b);
          if (kx >= kw) continue;
          const phase = (ri * sw + rj) * ci;
          for (let c = 0; c < ci; c++) {
            const s = ((ky * kw + kx) * ci + c) * co;
            for (let o = 0; o < co; o++) dst[((a * mw + b) * co + o) * outC + phase + c] = src[s + o]!;
          }
        }
    }
  return tf.tensor4d(dst, [mh, mw, co, outC]);
}

/**
 * dx for y = conv2d(x, W): dy [b,oh,ow,co], W [kh,kw,ci,co] -> [b,H,W,ci] (inputShape).
 * Sub-pixel form: every output phase (i mod sh, j mod sw) is a stride-1 correlation of dy with a
 * ceil(k/s)-sized slice of the flipped filter, so one XNNPACK conv2d computes all phases as
 * channels, and a reshape-transpose interleaves them. No multiply-by-inserted-zero work, unlike
 * the zero-insertion form (about 4x fewer products at stride 2).
 */
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
    const { top, left } = info.padInfo;
    const [, oh, ow] = dy.shape;
    const mh = Math.ceil(kh / sh);
    const mw = Math.ceil(kw / sw);
    // Rows q of the phase grid cover input rows i = q*sh + ri - top.
    const q = Math.floor((H - 1 + top) / sh) + 1;
    const p = Math.floor((W - 1 + left) / sw) + 1;
    const dyp = tf.pad(dy, [
      [0, 0],
      [mh - 1, Math.max(0, q - oh)],
      [mw - 1, Math.max(0, p - ow)],
      [0, 0],
    ]);
    const phases = tf.conv2d(dyp, subPixelFilter(filter, sh, sw), 1, 'valid'); // [b, >=q, >=p, sh*sw*ci]
    const cut = phases.shape[1] === q && phases.shape[2] === p ? phases : tf.slice(phases, [0, 0, 0, 0], [b, q, p, sh * sw * ci]);
    const full =
      sh === 1 && sw === 1
        ? cut
        : tf.reshape(tf.transpose(tf.reshape(cut, [b * q, p, sh, sw * ci]), [0, 2, 1, 3]), [b, q * sh, p * sw, ci]);
    return full.shape[1] === H && full.shape[2] === W && top === 0 && left === 0
      ? (full as tf.Tensor4D)
      : (tf.slice(full, [0, top, left, 0], [b, H, W, ci]) as tf.Tensor4D);
  });
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

type Fusable = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

function activate(x: tf.Tensor, activation: Fusable, alpha: number, prelu: tf.Tensor | undefined): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'elu':
      return tf.elu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'leakyrelu':
      return tf.leakyRelu(x, alpha);
    case 'prelu':
      return tf.prelu(x, prelu!);
    default:
      return x;
  }
}

/**
 * Wraps a stock matmul kernel: transposed operands are transposed explicitly, then multiplied
 * plainly. Also works around the stock _FusedMatMul adding the bias wrongly when there is more
 * than one matrix in the batch: there the bias and activation are applied as separate ops.
 */
function untransposed(stock: tf.KernelConfig): tf.KernelConfig {
  const swapLast = (t: tf.Tensor) =>
    tf.transpose(
      t,
      [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : i === all.length - 2 ? all.length - 1 : all.length - 2)),
    );
  return {
    ...stock,
    kernelFunc: (args: KernelArgs) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean; activation?: Fusable; leakyreluAlpha?: number };
      const a = args.inputs.a as tf.Tensor;
      const b = args.inputs.b as tf.Tensor;
      const bias = args.inputs.bias as tf.Tensor | undefined;
      const prelu = args.inputs.preluActivationWeights as tf.Tensor | undefined;
      const activation = attrs.activation ?? 'linear';
      const batched =
        Math.max(
          a.shape.slice(0, -2).reduce((p, d) => p * d, 1),
          b.shape.slice(0, -2).reduce((p, d) => p * d, 1),
        ) > 1;
      const separate = stock.kernelName === '_FusedMatMul' && batched && (bias !== undefined || activation !== 'linear');
      if (!attrs.transposeA && !attrs.transposeB && !separate) return stock.kernelFunc(args);
      return tf.tidy(() => {
        const a2 = attrs.transposeA ? swapLast(a) : a;
        const b2 = attrs.transposeB ? swapLast(b) : b;
        const plain = { ...attrs, transposeA: false, transposeB: false };
        if (!separate) {
          return stock.kernelFunc({ ...args, inputs: { ...args.inputs, a: a2, b: b2 }, attrs: plain }) as tf.Tensor;
        }
        const product = tf.matMul(a2, b2);
        return activate(bias ? tf.add(product, bias) : product, activation, attrs.leakyreluAlpha ?? 0.2, prelu);
      });
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
