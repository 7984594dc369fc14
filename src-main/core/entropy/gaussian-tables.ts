// Tables for a Gaussian conditional entropy model: one integer CDF per predicted scale, each the
// zero-mean Gaussian of that scale discretized to integers. These are built once (floating point
// is fine here) and stored with the model; coding then only uses the integers and scaleIndex.

import { cdfFromPmf, MAX_TABLE_SYMBOLS, type CdfTable } from './cdf-table.js';

/** Largest |k| a Gaussian table codes directly (2R + 1 symbols); beyond that values escape. */
export const MAX_GAUSSIAN_RADIUS = 4096;

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * Complementary error function: absolute error below 1e-15, relative below 2e-12 over the reals.
 * Below 2.5 it is 1 - erf from erf's all-positive series (no cancellation inside the sum); above,
 * the Laplace continued fraction evaluated bottom-up, which converges fast there.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    // erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1 * 3 * ... * (2n + 1))
    const x2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let k = 1; k < 200; k++) {
      term *= x2 / (2 * k + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - 2 * INV_SQRT_PI * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0; // below the smallest double
  // erfc(x) = e^{-x^2} / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
}

/** Upper tail of the standard normal, P(X > t). */
function upperTail(t: number): number {
  return 0.5 * erfc(t * SQRT1_2);
}

/** The t with 2 * P(X > t) = mass, by bisection (mass in (0, 1)). */
function twoSidedQuantile(mass: number): number {
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (2 * upperTail(mid) > mass) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** levels scales spaced evenly in log from min to max (both included exactly). */
export function scaleTable(min = 0.11, max = 256, levels = 64): Float64Array {
  if (!(min > 0) || !Number.isFinite(max) || !(max >= min)) throw new RangeError(`scaleTable: need 0 < min <= max, got ${min}, ${max}`);
  if (!Number.isInteger(levels) || levels < 1 || levels > 4096) throw new RangeError(`scaleTable: levels must be 1..4096, got ${levels}`);
  const out = new Float64Array(levels);
  const ratio = max / min;
  for (let i = 1; i < levels - 1; i++) out[i] = min * ratio ** (i / (levels - 1));
  out[0] = min;
  if (levels > 1) out[levels - 1] = max;
  return out;
}

/**
 * One table per scale: the mass of N(0, s^2) on [k - 0.5, k + 0.5] for k in [-R, R], where R is the
 * smallest integer with at most tailMass outside [-R - 0.5, R + 0.5] (capped at MAX_GAUSSIAN_RADIUS);
 * the escape slot gets the exact remaining tail mass.
 */
export function gaussianTables(scales: ArrayLike<number>, tailMass = 1e-9): CdfTable[] {
  if (!(tailMass > 0 && tailMass < 1)) throw new RangeError(`gaussianTables: tailMass must be in (0, 1), got ${tailMass}`);
  const z = twoSidedQuantile(tailMass);
  const tables: CdfTable[] = [];
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i]!;
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`gaussianTables: scale ${i} must be a positive finite number, got ${s}`);
    const radius = Math.min(MAX_GAUSSIAN_RADIUS, (MAX_TABLE_SYMBOLS - 1) / 2, Math.max(1, Math.ceil(s * z - 0.5)));
    const pmf = new Float64Array(2 * radius + 1);
    // Differences of upper tails: accurate far out, where differences of the CDF would cancel.
    let prev = upperTail(0.5 / s);
    pmf[radius] = 1 - 2 * prev;
    for (let k = 1; k <= radius; k++) {
      const next = upperTail((k + 0.5) / s);
      pmf[radius + k] = pmf[radius - k] = prev - next;
      prev = next;
    }
    tables.push(cdfFromPmf(pmf, -radius, 2 * prev));
  }
  return tables;
}

/**
 * Index of the table for a predicted scale: the smallest i with scales[i] >= scale, clamped to the
 * last table (NaN also picks the last). Scales must be ascending. Only comparisons of doubles, so the
 * same input picks the same table everywhere.
 */
export function scaleIndex(scale: number, scales: ArrayLike<number>): number {
  const last = scales.length - 1;
  if (last < 0) throw new RangeError('scaleIndex: no scales');
  if (!(scale <= scales[last]!)) return last;
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (scales[mid]! >= scale) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
