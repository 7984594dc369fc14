// The custom pieces of the learned families against independent references: tfjs autograd of
// GDN, the factorized density and the Gaussian conditional against central differences in float32;
// their forward values against direct float64 JavaScript; the exact (float64) hyper-synthesis
// arithmetic against the tfjs ops it stands in for at coding time.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { erfc } from '../../../../src-main/core/entropy/index.js';
import { addConv, addUp, conv, depthToSpace2, leakyRelu, up } from '../../../../src-main/core/engine/models/layers/conv.js';
import { exactConv, exactDepthToSpace2, exactLeakyRelu, type ExactMap } from '../../../../src-main/core/engine/models/layers/exact.js';
import {
  addFactorizedDensity,
  cumulativeLogits,
  factorizedLikelihood,
  integerPmf,
} from '../../../../src-main/core/engine/models/layers/factorized-density.js';
import { gaussianLikelihood, SCALE_FLOOR } from '../../../../src-main/core/engine/models/layers/gaussian-conditional.js';
import { addGdn, gdn, gdnEffective } from '../../../../src-main/core/engine/models/layers/gdn.js';
import { ParamStore, SeedSequence } from '../../../../src-main/core/engine/models/layers/params.js';
import { Mulberry32 } from '../../../../src-main/core/engine/random.js';
import { maxAbsDiff } from '../learned/learned-fixtures.js';

beforeAll(async () => {
  await chooseBackend();
});

const PEDESTAL = 2 ** -36;
/** Relative tolerance of autograd against float32 central differences. */
const TOL = 1e-2;

function uniform(rng: Mulberry32, n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

/** d loss / d v for each variable, by tfjs autograd. */
function autograd(loss: () => tf.Scalar, vars: tf.Variable[]): Float32Array[] {
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, vars);
    return vars.map((v) => Float32Array.from(grads[v.name]!.dataSync() as Float32Array));
  });
}

/** Central differences of loss with respect to every element of v (the variable is restored after). */
function numeric(loss: () => tf.Scalar, v: tf.Variable, h: number): Float32Array {
  const base = Float32Array.from(v.dataSync() as Float32Array);
  const out = new Float32Array(base.length);
  const evalAt = (a: Float32Array) => {
    tf.tidy(() => v.assign(tf.tensor(a, v.shape, 'float32')));
    return tf.tidy(() => loss().dataSync()[0]!);
  };
  for (let i = 0; i < base.length; i++) {
    const a = base.slice();
    a[i] = base[i]! + h;
    const up = a[i]!;
    const fp = evalAt(a);
    a[i] = base[i]! - h;
    const down = a[i]!;
    const fm = evalAt(a);
    out[i] = (fp - fm) / (up - down);
  }
  tf.tidy(() => v.assign(tf.tensor(base, v.shape, 'float32')));
  return out;
}

/** Worst difference relative to the largest numerical gradient entry. */
function relErr(analytic: Float32Array, num: Float32Array): number {
  let scale = 0;
  for (const x of num) scale = Math.max(scale, Math.abs(x));
  return maxAbsDiff(analytic, num) / Math.max(scale, 1e-12);
}

function checkGradients(loss: () => tf.Scalar, vars: { name: string; v: tf.Variable }[], h = 1e-2): void {
  const a = autograd(
    loss,
    vars.map((x) => x.v),
  );
  vars.forEach(({ name, v }, k) => {
    const n = numeric(loss, v, h);
    const norm = Math.sqrt(n.reduce((s, x) => s + x * x, 0));
    expect(norm, `${name}: the check needs a non-trivial gradient`).toBeGreaterThan(1e-4);
    expect(relErr(a[k]!, n), `${name}: autograd vs central differences`).toBeLessThan(TOL);
  });
}

/** A GDN of c channels with generic (random, in-bounds) beta and gamma, and a random input. */
function gdnFixture(c: number, seed: number) {
  const rng = new Mulberry32(seed);
  const p = new ParamStore();
  addGdn(p, 'g', 'analysis', c);
  tf.tidy(() => {
    p.get('g.beta').assign(tf.tensor1d(uniform(rng, c, 0.7, 1.3)));
    p.get('g.gamma').assign(tf.tensor2d(uniform(rng, c * c, 0.15, 0.6), [c, c]));
  });
  const x = tf.variable(tf.tensor4d(uniform(rng, 2 * 2 * 3 * c, -2, 2), [2, 2, 3, c]));
  const w = tf.tensor4d(uniform(rng, 2 * 2 * 3 * c, -1, 1), [2, 2, 3, c]);
  return { p, x, w, dispose: () => tf.dispose([x, w, ...p.variables()]) };
}

describe('GDN', () => {
  it('forward matches x_i / sqrt(beta_i + sum_j gamma_ji x_j^2) computed per pixel in JavaScript (and the inverse multiplies)', () => {
    const c = 4;
    const f = gdnFixture(c, 1);
    const xs = f.x.dataSync() as Float32Array;
    const betaP = f.p.get('g.beta').dataSync() as Float32Array;
    const gammaP = f.p.get('g.gamma').dataSync() as Float32Array;
    // The reparametrization, written out: effective = param^2 - pedestal (all params are in bounds here).
    const beta = Array.from(betaP, (b) => b * b - PEDESTAL);
    const gamma = Array.from(gammaP, (g) => g * g - PEDESTAL);
    const fwd = new Float64Array(xs.length);
    const inv = new Float64Array(xs.length);
    for (let px = 0; px < xs.length / c; px++) {
      for (let i = 0; i < c; i++) {
        let norm = beta[i]!;
        for (let j = 0; j < c; j++) norm += gamma[j * c + i]! * xs[px * c + j]! ** 2;
        fwd[px * c + i] = xs[px * c + i]! / Math.sqrt(norm);
        inv[px * c + i] = xs[px * c + i]! * Math.sqrt(norm);
      }
    }
    const [got, gotInv] = tf.tidy(() => [gdn(f.p, 'g', f.x).dataSync(), gdn(f.p, 'g', f.x, true).dataSync()]);
    expect(maxAbsDiff(got!, fwd)).toBeLessThan(1e-5);
    expect(maxAbsDiff(gotInv!, inv)).toBeLessThan(1e-5);
    // The effective parameters at initialization: beta = 1, gamma = 0.1 I.
    const q = new ParamStore();
    addGdn(q, 'h', 'analysis', 3);
    const eff = tf.tidy(() => {
      const e = gdnEffective(q, 'h');
      return { beta: Array.from(e.beta.dataSync()), gamma: Array.from(e.gamma.dataSync()) };
    });
    eff.beta.forEach((b) => expect(b).toBeCloseTo(1, 6));
    eff.gamma.forEach((g, k) => expect(g).toBeCloseTo(k % 4 === 0 ? 0.1 : 0, 6));
    q.dispose();
    f.dispose();
  });

  it.each([false, true])('gradients (inverse %s) w.r.t. input, beta and gamma match central differences', (inverse) => {
    const f = gdnFixture(3, inverse ? 3 : 2);
    const loss = () => tf.sum(tf.mul(gdn(f.p, 'g', f.x as unknown as tf.Tensor4D, inverse), f.w)) as tf.Scalar;
    checkGradients(loss, [
      { name: 'x', v: f.x },
      { name: 'beta', v: f.p.get('g.beta') },
      { name: 'gamma', v: f.p.get('g.gamma') },
    ]);
    f.dispose();
  });

  // gdn.ts says beta and gamma are "bounded below, so they stay positive and their gradients do not
  // vanish near zero". The bound is tf.maximum, whose gradient is 0 below the bound: a gamma that an
  // optimizer step pushes under it can never come back, even when the loss wants it larger. The
  // off-diagonal gammas start exactly at the bound (sqrt(pedestal)), so one step down kills them.
  // The references bound with a gradient that passes when it points back up (tensorflow_compression
  // lower_bound(gradient='identity_if_towards'), CompressAI LowerBound: (x >= bound) | (grad < 0)).
  it('a gamma entry pushed below its bound still gets the gradient that brings it back', () => {
    const f = gdnFixture(3, 4);
    const g = f.p.get('g.gamma');
    const vals = Float32Array.from(g.dataSync() as Float32Array);
    vals[1] = 0; // gamma[0][1], below the bound sqrt(2^-36)
    tf.tidy(() => g.assign(tf.tensor2d(vals, [3, 3])));
    // Loss = sum of squared outputs: a larger gamma shrinks every output, so d loss / d gamma[0][1] < 0.
    const loss = () => tf.sum(tf.square(gdn(f.p, 'g', f.x as unknown as tf.Tensor4D))) as tf.Scalar;
    const [grad] = autograd(loss, [g]);
    expect(grad![1]!, 'gradient of the clamped gamma[0][1]').toBeLessThan(0);
    f.dispose();
  });
});

/** Logit of the cumulative of the Balle 2018 density at v, straight from its definition, in float64. */
function referenceLogit(p: ParamStore, ch: number, v: number): number {
  const soft = (x: number) => Math.log1p(Math.exp(x));
  let x = [v];
  for (let i = 0; i <= 3; i++) {
    const mat = p.get(`d.mat${i}`);
    const [, rows, cols] = mat.shape as [number, number, number];
    const m = mat.dataSync() as Float32Array;
    const b = p.get(`d.bias${i}`).dataSync() as Float32Array;
    const next: number[] = [];
    for (let r = 0; r < rows; r++) {
      let s = b[ch * rows + r]!;
      for (let k = 0; k < cols; k++) s += soft(m[(ch * rows + r) * cols + k]!) * x[k]!;
      next.push(s);
    }
    if (i < 3) {
      const fac = p.get(`d.factor${i}`).dataSync() as Float32Array;
      x = next.map((s, r) => s + Math.tanh(fac[ch * rows + r]!) * Math.tanh(s));
    } else x = next;
  }
  return x[0]!;
}

function densityFixture(c: number, seed: number) {
  const rng = new Mulberry32(seed);
  const p = new ParamStore();
  addFactorizedDensity(p, 'd', 'entropy', c, new SeedSequence(seed));
  // Move every parameter to a generic point (factors away from 0, matrices off their init value).
  for (const e of p.entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    const base = e.variable.dataSync() as Float32Array;
    const noise = uniform(rng, n, -0.5, 0.5);
    tf.tidy(() =>
      e.variable.assign(
        tf.tensor(
          base.map((b, i) => b + noise[i]!),
          e.shape,
          'float32',
        ),
      ),
    );
  }
  return p;
}

describe('factorized density', () => {
  it('likelihoods equal sigmoid(logit(y + 1/2)) - sigmoid(logit(y - 1/2)) of the density network written out in float64', () => {
    const c = 2;
    const p = densityFixture(c, 5);
    const rng = new Mulberry32(6);
    const ys = uniform(rng, 5 * c, -6, 6); // [5, c]
    const got = tf.tidy(() => factorizedLikelihood(p, 'd', tf.tensor2d(ys, [5, c])).dataSync() as Float32Array);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    for (let i = 0; i < ys.length; i++) {
      const ch = i % c;
      const want = sig(referenceLogit(p, ch, ys[i]! + 0.5)) - sig(referenceLogit(p, ch, ys[i]! - 0.5));
      expect(Math.abs(got[i]! - want)).toBeLessThan(1e-5 + 1e-3 * want);
    }
    // The same network is what builds the coding tables: integer masses sum to 1 with the tails.
    const { pmf, tail } = integerPmf(p, 'd', c, -40, 40);
    pmf.forEach((row, ch) => expect(row.reduce((s, x) => s + x, 0) + tail[ch]!).toBeCloseTo(1, 5));
    const logit = tf.tidy(() => cumulativeLogits(p, 'd', tf.tensor3d([0.25, 0.25], [2, 1, 1])).dataSync() as Float32Array);
    expect(logit[1]!).toBeCloseTo(referenceLogit(p, 1, 0.25), 4);
    p.dispose();
  });

  it('gradients of sum(w log L) w.r.t. y and every density parameter match central differences', () => {
    const c = 2;
    const p = densityFixture(c, 7);
    const rng = new Mulberry32(8);
    const y = tf.variable(tf.tensor4d(uniform(rng, 2 * 2 * 2 * c, -4, 4), [2, 2, 2, c]));
    const w = tf.tensor4d(uniform(rng, 2 * 2 * 2 * c, 0.2, 1), [2, 2, 2, c]);
    const loss = () => tf.sum(tf.mul(tf.log(factorizedLikelihood(p, 'd', y)), w)) as tf.Scalar;
    checkGradients(loss, [{ name: 'y', v: y }, ...p.entries.map((e) => ({ name: e.name, v: e.variable }))]);
    tf.dispose([y, w]);
    p.dispose();
  });
});

/** Standard normal CDF in float64, from the entropy module's erfc. */
const phi = (t: number) => 0.5 * erfc(-t * Math.SQRT1_2);

describe('Gaussian conditional', () => {
  it('likelihoods equal Phi((1/2 - |y - mu|) / s) - Phi((-1/2 - |y - mu|) / s) in float64 (scale floored at 0.11)', () => {
    const rng = new Mulberry32(9);
    const n = 24;
    const y = uniform(rng, n, -4, 4);
    const mean = uniform(rng, n, -2, 2);
    const scale = uniform(rng, n, 0.02, 3);
    const got = tf.tidy(() => gaussianLikelihood(tf.tensor1d(y), tf.tensor1d(mean), tf.tensor1d(scale)).dataSync() as Float32Array);
    for (let i = 0; i < n; i++) {
      const s = Math.max(scale[i]!, SCALE_FLOOR);
      const v = Math.abs(y[i]! - mean[i]!);
      const want = Math.max(phi((0.5 - v) / s) - phi((-0.5 - v) / s), 1e-9);
      expect(Math.abs(got[i]! - want), `element ${i}: y ${y[i]}, mean ${mean[i]}, scale ${scale[i]}`).toBeLessThan(1e-6 + 1e-3 * want);
    }
  });

  it('gradients of sum(w log L) w.r.t. y, mean and scale match central differences', () => {
    const rng = new Mulberry32(10);
    const n = 12;
    const mean = uniform(rng, n, -2, 2);
    // |y - mean| in [0.2, 2.5] (away from the kink of |.|), scales in [0.3, 3] (above the floor).
    const y = mean.map((m) => m + (rng.next() < 0.5 ? -1 : 1) * (0.2 + 2.3 * rng.next()));
    const vy = tf.variable(tf.tensor1d(y));
    const vm = tf.variable(tf.tensor1d(mean));
    const vs = tf.variable(tf.tensor1d(uniform(rng, n, 0.3, 3)));
    const w = tf.tensor1d(uniform(rng, n, 0.2, 1));
    const loss = () => tf.sum(tf.mul(tf.log(gaussianLikelihood(vy, vm, vs)), w)) as tf.Scalar;
    checkGradients(
      loss,
      [
        { name: 'y', v: vy },
        { name: 'mean', v: vm },
        { name: 'scale', v: vs },
      ],
      5e-3,
    );
    tf.dispose([vy, vm, vs, w]);
  });

  // Same bound as GDN's: a predicted scale under the floor gets no gradient at all from the rate,
  // even for an element far from its mean whose bits a larger scale would cut. The hyper-synthesis
  // output is not made positive: at initialization 80-87 % of the scales sit below 0.11 (measured, N8/M8 and N64/M96).
  // References: CompressAI GaussianConditional lower_bound_scale, tensorflow_compression
  // GaussianConditional (lower_bound with gradient 'identity_if_towards').
  it('a scale below the floor still gets the rate gradient that raises it', () => {
    const vs = tf.variable(tf.tensor1d([0.05]));
    const [g] = autograd(() => tf.neg(tf.sum(tf.log(gaussianLikelihood(tf.tensor1d([2]), tf.tensor1d([0]), vs)))) as tf.Scalar, [vs]);
    expect(g![0]!, 'd bits / d scale at scale 0.05, |y - mean| = 2').toBeLessThan(0);
    vs.dispose();
  });
});

describe('exact hyper-synthesis arithmetic', () => {
  function exactOf(t: tf.Tensor4D): ExactMap {
    const [, h, w, c] = t.shape;
    return { data: Float64Array.from(t.dataSync() as Float32Array), h, w, c };
  }

  it.each([
    { k: 3, h: 5, w: 6, cin: 4, cout: 8 },
    { k: 5, h: 4, w: 3, cin: 3, cout: 4 },
    { k: 1, h: 2, w: 7, cin: 5, cout: 4 },
  ])(
    'exactConv $k x $k + exactDepthToSpace2 match tf.conv2d same + depthToSpace2 to 1e-5 ($h x $w, $cin -> $cout)',
    ({ k, h, w, cin, cout }) => {
      const rng = new Mulberry32(11 + k);
      const xs = uniform(rng, h * w * cin, -1, 1);
      const ws = uniform(rng, k * k * cin * cout, -1, 1);
      const bs = uniform(rng, cout, -1, 1);
      const ref = tf.tidy(() => {
        const y = tf.add(
          tf.conv2d(tf.tensor4d(xs, [1, h, w, cin]), tf.tensor4d(ws, [k, k, cin, cout]), 1, 'same'),
          tf.tensor1d(bs),
        ) as tf.Tensor4D;
        return {
          conv: y.dataSync() as Float32Array,
          d2s: depthToSpace2(y).dataSync() as Float32Array,
          builtin: tf.depthToSpace(y, 2).dataSync() as Float32Array,
        };
      });
      const ex = exactConv({ data: Float64Array.from(xs), h, w, c: cin }, Float64Array.from(ws), Float64Array.from(bs), k, cout);
      expect([ex.h, ex.w, ex.c]).toEqual([h, w, cout]);
      expect(maxAbsDiff(ex.data, ref.conv)).toBeLessThan(1e-5);
      const d = exactDepthToSpace2(ex);
      expect([d.h, d.w, d.c]).toEqual([2 * h, 2 * w, cout / 4]);
      expect(maxAbsDiff(d.data, ref.d2s)).toBeLessThan(1e-5);
      // conv.ts's depth-to-space is tf.depthToSpace's DCR order, exactly.
      expect(Array.from(ref.d2s)).toEqual(Array.from(ref.builtin));
    },
  );

  it("the hyperprior's hyper-synthesis chain in exact arithmetic matches the tfjs chain of conv.ts to 1e-5", () => {
    const n = 8;
    const m = 6;
    const p = new ParamStore();
    const seeds = new SeedSequence(12);
    addUp(p, 'hs.0', 'hyper-synthesis', n, n, seeds);
    addUp(p, 'hs.1', 'hyper-synthesis', n, n, seeds);
    addConv(p, 'hs.2', 'hyper-synthesis', 3, n, 2 * m, seeds);
    const rng = new Mulberry32(13);
    // Rounded z, as the codec feeds it (many zeros: the exact path skips them).
    const zs = Float32Array.from({ length: 2 * 3 * n }, () => Math.round(4 * rng.next() - 2));
    const ref = tf.tidy(() => {
      const z = tf.tensor4d(zs, [1, 2, 3, n]);
      return conv(p, 'hs.2', leakyRelu(up(p, 'hs.1', leakyRelu(up(p, 'hs.0', z))))).dataSync() as Float32Array;
    });
    const f64 = (name: string) => p.float64(name);
    let a = exactLeakyRelu(
      exactDepthToSpace2(exactConv({ data: Float64Array.from(zs), h: 2, w: 3, c: n }, f64('hs.0.w'), f64('hs.0.b'), 3, 4 * n)),
    );
    a = exactLeakyRelu(exactDepthToSpace2(exactConv(a, f64('hs.1.w'), f64('hs.1.b'), 3, 4 * n)));
    const out = exactConv(a, f64('hs.2.w'), f64('hs.2.b'), 3, 2 * m);
    expect([out.h, out.w, out.c]).toEqual([8, 12, 2 * m]);
    expect(maxAbsDiff(out.data, ref)).toBeLessThan(1e-5);
    // exactLeakyRelu is tf.leakyRelu(0.01).
    const t = tf.tensor4d(uniform(rng, 24, -3, 3), [1, 2, 3, 4]);
    const lr = tf.tidy(() => leakyRelu(t).dataSync() as Float32Array);
    expect(maxAbsDiff(exactLeakyRelu(exactOf(t)).data, lr)).toBeLessThan(1e-6);
    t.dispose();
    p.dispose();
  });
});
