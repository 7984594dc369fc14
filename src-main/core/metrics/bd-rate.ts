// Bjontegaard delta rate (VCEG-M33) with piecewise cubic Hermite interpolation (PCHIP), the
// variant of the JCT-VC/JVET common-test-conditions spreadsheets: for each curve, log10(rate) as a
// PCHIP function of quality (PSNR in dB, or MS-SSIM in dB), both integrated over the quality range
// the two curves share; the mean log-rate difference d gives BD-rate = (10^d - 1) * 100 %.
// Negative: the test codec needs that many percent fewer bits than the anchor at equal quality.
// The PCHIP slopes are Fritsch-Carlson's as MATLAB's pchip and scipy's PchipInterpolator compute
// them (weighted harmonic mean inside, the three-point shape-preserving formula at the ends).
//
// When the curves share no quality range there is no number to give: the result says so instead.
import type { BdRateResult } from '../contract/eval.js';

export interface RdPoint {
  /** Any rate unit (bpp, bytes); only ratios matter. Must be > 0. */
  rate: number;
  /** Quality, higher is better (PSNR dB, MS-SSIM dB). */
  quality: number;
}

export type { BdRateResult };

/** Piecewise cubic Hermite interpolant through (x[i], y[i]), x strictly increasing. */
export class Pchip {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly d: Float64Array;

  constructor(x: readonly number[], y: readonly number[]) {
    const n = x.length;
    if (n < 2 || y.length !== n) throw new RangeError('PCHIP needs at least 2 points and as many y as x');
    for (let i = 1; i < n; i++) if (!(x[i]! > x[i - 1]!)) throw new RangeError('PCHIP needs strictly increasing x');
    this.x = Float64Array.from(x);
    this.y = Float64Array.from(y);
    this.d = pchipSlopes(this.x, this.y);
  }

  /** Index k of the segment [x_k, x_k+1] holding v (clamped to the end segments). */
  private segment(v: number): number {
    const x = this.x;
    let lo = 0;
    let hi = x.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (x[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  at(v: number): number {
    const k = this.segment(v);
    const h = this.x[k + 1]! - this.x[k]!;
    const t = (v - this.x[k]!) / h;
    const t2 = t * t;
    const t3 = t2 * t;
    return (
      (2 * t3 - 3 * t2 + 1) * this.y[k]! +
      (t3 - 2 * t2 + t) * h * this.d[k]! +
      (-2 * t3 + 3 * t2) * this.y[k + 1]! +
      (t3 - t2) * h * this.d[k + 1]!
    );
  }

  /** Integral from x_k to v inside segment k (exact for the cubic). */
  private partial(k: number, v: number): number {
    const h = this.x[k + 1]! - this.x[k]!;
    const t = (v - this.x[k]!) / h;
    const t2 = t * t;
    const t3 = t2 * t;
    const t4 = t3 * t;
    const H00 = t4 / 2 - t3 + t;
    const H10 = t4 / 4 - (2 * t3) / 3 + t2 / 2;
    const H01 = -t4 / 2 + t3;
    const H11 = t4 / 4 - t3 / 3;
    return h * (H00 * this.y[k]! + H10 * h * this.d[k]! + H01 * this.y[k + 1]! + H11 * h * this.d[k + 1]!);
  }

  /** Integral from x_0 to v, for v inside [x_0, x_last]. */
  private cumulative(v: number): number {
    const k = this.segment(v);
    let s = 0;
    for (let i = 0; i < k; i++) s += this.partial(i, this.x[i + 1]!);
    return s + this.partial(k, v);
  }

  /** Integral over [a, b], both inside the data range. */
  integrate(a: number, b: number): number {
    return this.cumulative(b) - this.cumulative(a);
  }
}

function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Fritsch-Carlson slopes as scipy's PchipInterpolator._find_derivatives computes them. */
export function pchipSlopes(x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  const h = new Float64Array(n - 1);
  const m = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    h[i] = x[i + 1]! - x[i]!;
    m[i] = (y[i + 1]! - y[i]!) / h[i]!;
  }
  const d = new Float64Array(n);
  if (n === 2) {
    d[0] = d[1] = m[0]!;
    return d;
  }
  for (let k = 1; k < n - 1; k++) {
    const m0 = m[k - 1]!;
    const m1 = m[k]!;
    if (sign(m0) !== sign(m1) || m0 === 0 || m1 === 0) {
      d[k] = 0;
    } else {
      const w1 = 2 * h[k]! + h[k - 1]!;
      const w2 = h[k]! + 2 * h[k - 1]!;
      d[k] = (w1 + w2) / (w1 / m0 + w2 / m1);
    }
  }
  d[0] = edgeSlope(h[0]!, h[1]!, m[0]!, m[1]!);
  d[n - 1] = edgeSlope(h[n - 2]!, h[n - 3]!, m[n - 2]!, m[n - 3]!);
  return d;
}

function edgeSlope(h0: number, h1: number, m0: number, m1: number): number {
  const d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (sign(d) !== sign(m0)) return 0;
  if (sign(m0) !== sign(m1) && Math.abs(d) > 3 * Math.abs(m0)) return 3 * m0;
  return d;
}

/**
 * Usable points of a curve, sorted by quality: finite, rate > 0; of points with equal quality
 * the cheapest is kept (PCHIP needs strictly increasing abscissae).
 */
export function cleanCurve(points: readonly RdPoint[]): RdPoint[] {
  const ok = points.filter((p) => Number.isFinite(p.rate) && p.rate > 0 && Number.isFinite(p.quality));
  ok.sort((a, b) => a.quality - b.quality || a.rate - b.rate);
  const out: RdPoint[] = [];
  for (const p of ok) if (out.length === 0 || p.quality > out[out.length - 1]!.quality) out.push(p);
  return out;
}

function rangeOf(c: RdPoint[]): [number, number] {
  return [c[0]!.quality, c[c.length - 1]!.quality];
}

/** BD-rate of `test` against `anchor` (percent), or why there is none. */
export function bdRate(anchor: readonly RdPoint[], test: readonly RdPoint[]): BdRateResult {
  const a = cleanCurve(anchor);
  const t = cleanCurve(test);
  if (a.length < 2 || t.length < 2) {
    return {
      ok: false,
      reason: 'too-few-points',
      message: `BD-rate needs at least 2 distinct points per curve (anchor has ${a.length}, test has ${t.length})`,
    };
  }
  const ra = rangeOf(a);
  const rt = rangeOf(t);
  const lo = Math.max(ra[0], rt[0]);
  const hi = Math.min(ra[1], rt[1]);
  if (!(hi > lo)) {
    return {
      ok: false,
      reason: 'no-overlap',
      message: `the curves share no quality range (anchor ${ra[0].toFixed(3)}..${ra[1].toFixed(3)}, test ${rt[0].toFixed(3)}..${rt[1].toFixed(3)})`,
      anchorRange: ra,
      testRange: rt,
      bdQuality: bdQuality(a, t),
    };
  }
  const pa = new Pchip(
    a.map((p) => p.quality),
    a.map((p) => Math.log10(p.rate)),
  );
  const pt = new Pchip(
    t.map((p) => p.quality),
    t.map((p) => Math.log10(p.rate)),
  );
  const avg = (pt.integrate(lo, hi) - pa.integrate(lo, hi)) / (hi - lo);
  // Of the shorter curve: a classical sweep that reaches far past the model's range does not make
  // the comparison over the model's whole range any less sound.
  const shorter = Math.min(ra[1] - ra[0], rt[1] - rt[0]);
  return {
    ok: true,
    bdRate: (10 ** avg - 1) * 100,
    bdQuality: bdQuality(a, t),
    range: [lo, hi],
    overlap: (hi - lo) / shorter,
    anchorPoints: a.length,
    testPoints: t.length,
  };
}

/**
 * BD-PSNR (or BD-quality): mean quality difference at equal log-rate over the shared rate range;
 * null when the rates do not overlap or a curve's rate is not strictly increasing with quality.
 */
export function bdQuality(anchor: readonly RdPoint[], test: readonly RdPoint[]): number | null {
  const byRate = (c: RdPoint[]): RdPoint[] | null => {
    const s = [...c].sort((p, q) => p.rate - q.rate);
    for (let i = 1; i < s.length; i++) if (!(s[i]!.rate > s[i - 1]!.rate)) return null;
    return s;
  };
  const a = byRate(cleanCurve(anchor));
  const t = byRate(cleanCurve(test));
  if (!a || !t || a.length < 2 || t.length < 2) return null;
  const la = a.map((p) => Math.log10(p.rate));
  const lt = t.map((p) => Math.log10(p.rate));
  const lo = Math.max(la[0]!, lt[0]!);
  const hi = Math.min(la[la.length - 1]!, lt[lt.length - 1]!);
  if (!(hi > lo)) return null;
  const pa = new Pchip(
    la,
    a.map((p) => p.quality),
  );
  const pt = new Pchip(
    lt,
    t.map((p) => p.quality),
  );
  return (pt.integrate(lo, hi) - pa.integrate(lo, hi)) / (hi - lo);
}

/** MS-SSIM on a dB scale, -10 log10(1 - ms-ssim), the axis BD-rate on MS-SSIM integrates over. */
export function msssimDb(v: number): number {
  return v >= 1 ? Infinity : -10 * Math.log10(1 - v);
}
