// Moving a model's gain rows to other rate points (a fine-tune with other lambdas): log gain is
// piecewise linear in log lambda through the trained points and extends past the ends.
import { describe, expect, it } from 'vitest';
import { gainsForLambdas } from '../../../../../src-main/core/engine/models/layers/gains.js';

const from = [0.002, 0.006, 0.018, 0.05];

describe('gainsForLambdas', () => {
  it('keeps the rows for the same lambdas', () => {
    const rows = Float32Array.from([0.5, 2, 0.8, 1.5, 1.1, 1.2, 1.9, 0.7]);
    expect(Array.from(gainsForLambdas(rows, from, from, 2))).toEqual(Array.from(rows));
  });

  it('gives the geometric mean halfway in log lambda, and follows the end segments outside', () => {
    const rows = Float32Array.from([1, 4, 9, 16]); // one channel
    const halfway = Math.sqrt(0.002 * 0.006);
    const below = 0.002 / 3; // one segment's ratio under the lowest: gain / (4 / 1)
    const above = 0.05 * (0.05 / 0.018); // one segment's ratio over the highest
    const out = gainsForLambdas(rows, from, [below, halfway, 0.018, above], 1);
    expect(out[0]).toBeCloseTo(0.25, 5);
    expect(out[1]).toBeCloseTo(2, 5);
    expect(out[2]).toBeCloseTo(9, 5);
    expect(out[3]).toBeCloseTo((16 * 16) / 9, 4);
  });

  it('keeps gains that follow a power of lambda exact at any lambda', () => {
    const g = (l: number) => Math.sqrt(l / 0.01);
    const rows = Float32Array.from(from.map(g));
    const to = [0.0008, 0.003, 0.012, 0.05];
    const out = gainsForLambdas(rows, from, to, 1);
    to.forEach((l, i) => expect(out[i]).toBeCloseTo(g(l), 5));
  });

  it('refuses rows that do not fit the lambdas', () => {
    expect(() => gainsForLambdas(new Float32Array(6), from, from, 2)).toThrow(/6 values for 4 lambdas x 2 channels/);
  });
});
