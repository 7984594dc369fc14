// Convolutions in float64 JavaScript with a fixed order of operations, for the part of a codec
// whose output chooses entropy-coding tables (the hyper-synthesis). ECMAScript defines + and * as
// IEEE-754 double operations rounded to nearest, so the same weights and inputs give the same
// bits on every machine, CPU and tfjs backend: encoder and decoder always pick the same table.
// (tfjs kernels differ in summation order and precision between backends, so they cannot be used here.)

export interface ExactMap {
  data: Float64Array;
  h: number;
  w: number;
  c: number;
}

/** kxk convolution, stride 1, zero 'same' padding; kernel [k,k,cin,cout], bias [cout]. */
export function exactConv(x: ExactMap, kernel: Float64Array, bias: Float64Array, k: number, cout: number): ExactMap {
  const { h, w, c: cin } = x;
  if (kernel.length !== k * k * cin * cout || bias.length !== cout) throw new Error('exactConv: kernel does not fit');
  const out = new Float64Array(h * w * cout);
  const pad = (k - 1) >> 1;
  const acc = new Float64Array(cout);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      acc.set(bias);
      for (let ky = 0; ky < k; ky++) {
        const iy = y + ky - pad;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = xx + kx - pad;
          if (ix < 0 || ix >= w) continue;
          const inBase = (iy * w + ix) * cin;
          const kBase = (ky * k + kx) * cin * cout;
          for (let ci = 0; ci < cin; ci++) {
            const v = x.data[inBase + ci]!;
            if (v === 0) continue;
            const row = kBase + ci * cout;
            for (let co = 0; co < cout; co++) acc[co] = acc[co]! + v * kernel[row + co]!;
          }
        }
      }
      out.set(acc, (y * w + xx) * cout);
    }
  }
  return { data: out, h, w, c: cout };
}

/** depth-to-space by 2 in tf.depthToSpace's DCR order (matches layers/conv.ts depthToSpace2). */
export function exactDepthToSpace2(x: ExactMap): ExactMap {
  const c = x.c / 4;
  const out = new Float64Array(x.data.length);
  const w2 = x.w * 2;
  for (let y = 0; y < x.h; y++) {
    for (let xx = 0; xx < x.w; xx++) {
      const src = (y * x.w + xx) * x.c;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const dst = ((2 * y + dy) * w2 + 2 * xx + dx) * c;
          const from = src + (dy * 2 + dx) * c;
          for (let k = 0; k < c; k++) out[dst + k] = x.data[from + k]!;
        }
      }
    }
  }
  return { data: out, h: x.h * 2, w: w2, c };
}

export function exactLeakyRelu(x: ExactMap, slope = 0.01): ExactMap {
  const d = x.data;
  for (let i = 0; i < d.length; i++) if (d[i]! < 0) d[i] = d[i]! * slope;
  return x;
}
