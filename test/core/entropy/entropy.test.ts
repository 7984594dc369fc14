import { describe, expect, it } from 'vitest';
import {
  CDF_PRECISION,
  cdfFromPmf,
  erfc,
  gaussianTables,
  MAX_TABLE_SYMBOLS,
  RangeDecoder,
  RangeEncoder,
  readTables,
  scaleIndex,
  scaleTable,
  validateTable,
  writeTables,
  type CdfTable,
} from '../../../src-main/core/entropy/index.js';
import { mulberry32 } from '../codec/random.js';

const TOTAL = 1 << CDF_PRECISION;

function freqs(t: CdfTable): number[] {
  return Array.from({ length: t.cdf.length - 1 }, (_, i) => t.cdf[i + 1]! - t.cdf[i]!);
}

function randomPmf(rnd: () => number, n: number): Float64Array {
  const p = new Float64Array(n);
  const kind = Math.floor(rnd() * 3);
  const centre = rnd() * n;
  const width = 0.3 + rnd() * n * 0.2;
  for (let i = 0; i < n; i++) {
    if (kind === 0) p[i] = rnd();
    else if (kind === 1) p[i] = Math.exp(-Math.abs(i - centre) / width);
    else p[i] = rnd() < 0.3 ? 0 : rnd() ** 4;
  }
  return p;
}

function randomTable(rnd: () => number, n: number): CdfTable {
  const offset = Math.floor((rnd() - 0.5) * 2 * 100_000);
  return cdfFromPmf(randomPmf(rnd, n), offset, rnd() < 0.5 ? 0 : rnd() * 0.01);
}

/** Draws a value from a table's own distribution; the escape slot becomes a far value. */
function drawFrom(rnd: () => number, t: CdfTable): number {
  const u = Math.floor(rnd() * TOTAL);
  let s = 0;
  while (t.cdf[s + 1]! <= u) s++;
  const n = t.cdf.length - 2;
  if (s < n) return t.offset + s;
  return rnd() < 0.5 ? t.offset - 1 - Math.floor(rnd() * 1000) : t.offset + n + Math.floor(rnd() * 1000);
}

function roundTrip(values: number[], tableOf: (i: number) => CdfTable): { bytes: Uint8Array; decoded: number[]; overrun: boolean } {
  const enc = new RangeEncoder();
  values.forEach((v, i) => enc.encode(v, tableOf(i)));
  const bytes = enc.finish();
  const dec = new RangeDecoder(bytes);
  const decoded = values.map((_, i) => dec.decode(tableOf(i)));
  return { bytes, decoded, overrun: dec.overrun() };
}

describe('cdfFromPmf', () => {
  it('quantizes proportionally, largest fractional parts first, with a floor of 1', () => {
    const t = cdfFromPmf([0.5, 0.25, 0.25], 7, 0);
    expect(t.offset).toBe(7);
    expect(freqs(t)).toEqual([32767, 16384, 16384, 1]);
    // A tiny symbol still gets frequency 1; the escape takes its share.
    const u = cdfFromPmf([1, 1e-12, 1], -3, 0.5);
    expect(freqs(u)).toEqual([26214, 1, 26214, 13107]);
    expect(u.cdf[u.cdf.length - 1]).toBe(TOTAL);
  });

  it('makes degenerate input uniform and rejects bad shapes', () => {
    expect(freqs(cdfFromPmf([0, 0, 0], 0, 0))).toEqual([16384, 16384, 16384, 16384]);
    expect(freqs(cdfFromPmf([0.2, NaN, 0.3], 0, 0))).toEqual([16384, 16384, 16384, 16384]);
    expect(freqs(cdfFromPmf([1, Infinity], 0, 0))).toEqual([21846, 21845, 21845]);
    // Small negative values (float noise in a pmf) count as 0.
    expect(freqs(cdfFromPmf([1, -1e-18], 0, 0))).toEqual([65534, 1, 1]);
    expect(() => cdfFromPmf([], 0, 0)).toThrow(RangeError);
    expect(() => cdfFromPmf(new Float64Array(MAX_TABLE_SYMBOLS + 1), 0, 0)).toThrow(RangeError);
    expect(() => cdfFromPmf([1], 0.5, 0)).toThrow(RangeError);
    expect(() => cdfFromPmf([1], 2 ** 31, 0)).toThrow(RangeError);
    // The largest table is still valid: every slot at least 1.
    const big = cdfFromPmf(new Float64Array(MAX_TABLE_SYMBOLS).fill(1), 0, 0);
    expect(() => validateTable(big)).not.toThrow();
    expect(Math.min(...freqs(big))).toBe(1);
  });

  it('produces valid tables for random pmfs of sizes 1..2000', () => {
    const rnd = mulberry32(11);
    for (let k = 0; k < 60; k++) {
      const n = k < 5 ? k + 1 : 1 + Math.floor(rnd() * 2000);
      const pmf = randomPmf(rnd, n);
      const t = cdfFromPmf(pmf, 0, 0.001);
      expect(() => validateTable(t)).not.toThrow();
      expect(t.cdf.length).toBe(n + 2);
      // Close to the pmf: within a unit or two of its share, less what the floors of 1 took (<= n + 1).
      const sum = pmf.reduce((a, b) => a + b, 0) + 0.001;
      const f = freqs(t);
      f.slice(0, n).forEach((x, i) => {
        const target = (pmf[i]! / sum) * TOTAL;
        expect(Math.abs(x - target)).toBeLessThan(2 + (target * (n + 1)) / TOTAL);
      });
    }
  });
});

describe('validateTable', () => {
  it('accepts good tables and rejects each defect with a RangeError', () => {
    validateTable({ offset: 0, cdf: Uint32Array.of(0, 1, TOTAL) });
    const bad: [CdfTable, RegExp][] = [
      [{ offset: 0, cdf: Uint32Array.of(0, TOTAL) }, /1\.\.\d+ in-range symbols/],
      [{ offset: 0, cdf: Uint32Array.of(1, 2, TOTAL) }, /cdf\[0\] must be 0/],
      [{ offset: 0, cdf: Uint32Array.of(0, 5, 5, TOTAL) }, /strictly increasing/],
      [{ offset: 0, cdf: Uint32Array.of(0, 9, 5, TOTAL) }, /strictly increasing/],
      [{ offset: 0, cdf: Uint32Array.of(0, 5, TOTAL - 1) }, /last cdf entry/],
      [{ offset: 1.5, cdf: Uint32Array.of(0, 5, TOTAL) }, /offset/],
      [{ offset: 0, cdf: [0, 5, TOTAL] as unknown as Uint32Array }, /Uint32Array/],
    ];
    for (const [t, msg] of bad) expect(() => validateTable(t)).toThrow(msg);
  });
});

describe('range coder', () => {
  it('round-trips random tables with their own symbols and escapes, never overrunning', () => {
    const rnd = mulberry32(21);
    for (let k = 0; k < 40; k++) {
      const t = randomTable(rnd, k < 3 ? k + 1 : 1 + Math.floor(rnd() * 2000));
      const values = Array.from({ length: 1 + Math.floor(rnd() * 3000) }, () => drawFrom(rnd, t));
      const { decoded, overrun } = roundTrip(values, () => t);
      expect(decoded).toEqual(values);
      expect(overrun).toBe(false);
    }
  });

  it('round-trips extreme escapes: +-2^30 and the int32 limits, far from any offset', () => {
    const rnd = mulberry32(22);
    const tables = [cdfFromPmf([1], 0, 0), cdfFromPmf([1, 2, 3], 2 ** 30 - 3, 0), cdfFromPmf([3, 2, 1], -(2 ** 30), 1e-6)];
    const specials = [2 ** 30, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31), 0, -1, 1, 2 ** 30 - 4, 2 ** 30 - 1, -(2 ** 30) - 1, -(2 ** 30) + 3];
    const values: number[] = [];
    for (let i = 0; i < 600; i++) {
      values.push(i < specials.length * 3 ? specials[i % specials.length]! : Math.floor((rnd() - 0.5) * 2 ** 32));
    }
    const { decoded, overrun } = roundTrip(values, (i) => tables[i % 3]!);
    expect(decoded).toEqual(values);
    expect(overrun).toBe(false);
  });

  it('switches tables per symbol, as a Gaussian conditional does', () => {
    const rnd = mulberry32(23);
    const scales = scaleTable();
    const tables = gaussianTables(scales);
    const n = 20_000;
    const idx = Array.from({ length: n }, () => Math.floor(rnd() * tables.length));
    const values = idx.map((j) => {
      // Rounded Gaussian draws (Box-Muller) at the table's scale, plus some escapes.
      const g = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      return rnd() < 0.01 ? Math.floor((rnd() - 0.5) * 2 ** 31) : Math.round(g * scales[j]!) + 0; // + 0: no -0, which decodes as 0
    });
    const { bytes, decoded, overrun } = roundTrip(values, (i) => tables[idx[i]!]!);
    expect(decoded).toEqual(values);
    expect(overrun).toBe(false);
    // Decoding with the wrong tables gives other values (the tables really drive the coding).
    const dec = new RangeDecoder(bytes);
    let same = 0;
    for (let i = 0; i < 500; i++) {
      try {
        if (dec.decode(tables[(idx[i]! + 7) % tables.length]!) === values[i]) same++;
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        break;
      }
    }
    expect(same).toBeLessThan(400);
  });

  it('codes empty and tiny streams in few bytes', () => {
    expect(new RangeEncoder().finish().length).toBe(0);
    const t = cdfFromPmf([1, 1], 0, 0);
    const one = roundTrip([1], () => t);
    expect(one.decoded).toEqual([1]);
    expect(one.bytes.length).toBeLessThanOrEqual(1);
    const hundred = Array.from({ length: 100 }, (_, i) => i & 1);
    const r = roundTrip(hundred, () => t);
    expect(r.decoded).toEqual(hundred);
    // 100 symbols at about one bit each: 13 bytes.
    expect(r.bytes.length).toBeGreaterThanOrEqual(12);
    expect(r.bytes.length).toBeLessThanOrEqual(14);
  });

  it('gives the same bytes for the same input (a golden stream)', () => {
    const t = cdfFromPmf([5, 3, 1, 1], -1, 0.01);
    const values = [0, 1, -1, 2, 0, 0, 9, -1000, 0, 1, 2 ** 30];
    const enc = new RangeEncoder();
    for (const v of values) enc.encode(v, t);
    expect(Array.from(enc.finish())).toEqual(GOLDEN);
  });

  it('codes within 1% of the entropy for 100k symbols drawn from the pmf', () => {
    const rnd = mulberry32(24);
    for (const n of [2, 40, 600]) {
      const pmf = Float64Array.from({ length: n }, (_, i) => Math.exp(-Math.abs(i - n / 3) / (1 + n / 20)));
      const sum = pmf.reduce((a, b) => a + b, 0);
      const t = cdfFromPmf(pmf, -5, 0);
      const count = 100_000;
      const values: number[] = [];
      let info = 0;
      for (let i = 0; i < count; i++) {
        let u = rnd() * sum;
        let s = 0;
        while (s < n - 1 && u >= pmf[s]!) u -= pmf[s++]!;
        values.push(s - 5);
        info -= Math.log2(pmf[s]! / sum);
      }
      const { bytes, decoded } = roundTrip(values, () => t);
      expect(decoded).toEqual(values);
      const ideal = info / 8;
      expect(bytes.length).toBeLessThan(ideal * 1.01 + 8);
      expect(bytes.length).toBeGreaterThan(ideal * 0.99);
    }
  });

  it('rejects values that are not int32 and invalid tables at encode time', () => {
    const t = cdfFromPmf([1, 1], 0, 0);
    const enc = new RangeEncoder();
    for (const v of [0.5, 2 ** 31, -(2 ** 31) - 1, NaN, Infinity]) expect(() => enc.encode(v, t)).toThrow(RangeError);
    expect(() => enc.encode(0, { offset: 0, cdf: Uint32Array.of(0, 0, TOTAL) })).toThrow(/invalid cdf table/);
    expect(() => enc.encode(0, { offset: 0, cdf: new Uint32Array(1) })).toThrow(/invalid cdf table/);
  });

  it('reads a truncated stream as zeros without throwing, and reports the overrun', () => {
    const rnd = mulberry32(25);
    const t = randomTable(rnd, 50);
    const values = Array.from({ length: 2000 }, () => drawFrom(rnd, t));
    const enc = new RangeEncoder();
    for (const v of values) enc.encode(v, t);
    const bytes = enc.finish();
    const full = new RangeDecoder(bytes);
    for (let i = 0; i < values.length; i++) full.decode(t);
    expect(full.overrun()).toBe(false);
    for (const cut of [0, 1, 10, Math.floor(bytes.length / 2), bytes.length - 6]) {
      const dec = new RangeDecoder(bytes.subarray(0, cut));
      let threw = false;
      try {
        for (let i = 0; i < values.length; i++) dec.decode(t);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        threw = true;
      }
      expect(threw || dec.overrun()).toBe(true);
    }
    // Decoding far more symbols than were coded also counts as an overrun.
    const extra = new RangeDecoder(bytes);
    for (let i = 0; i < values.length + 200; i++) extra.decode(t);
    expect(extra.overrun()).toBe(true);
  });

  it('decodes random garbage with RangeErrors only, and never hangs', () => {
    const rnd = mulberry32(26);
    const tables = [cdfFromPmf([1], 0, 1), cdfFromPmf([1, 1, 1], -1, 0.5), ...gaussianTables([0.2, 3, 100])];
    let rangeErrors = 0;
    let escapes = 0;
    for (let k = 0; k < 300; k++) {
      const bytes = Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => (k % 3 === 0 ? 0xff : Math.floor(rnd() * 256)));
      const dec = new RangeDecoder(bytes);
      try {
        for (let i = 0; i < 500; i++) {
          const t = tables[(i + k) % tables.length]!;
          const v = dec.decode(t);
          expect(Number.isInteger(v) && (v | 0) === v).toBe(true);
          if (v < t.offset || v >= t.offset + t.cdf.length - 2) escapes++;
        }
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        expect((e as Error).message).toBe('corrupt entropy stream');
        rangeErrors++;
      }
    }
    expect(rangeErrors).toBeGreaterThan(0);
    expect(escapes).toBeGreaterThan(0);
    // A long run of zero bits after an escape is an absurd length: refused, not looped over.
    // These bytes land exactly at the start of the escape slot of tables[0], then read zeros.
    const dec = new RangeDecoder(Uint8Array.of(0x7f, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0));
    expect(() => dec.decode(tables[0]!)).toThrow('corrupt entropy stream');
  });
});

describe('table serialization', () => {
  const rnd = mulberry32(31);
  const tables = [cdfFromPmf([1], -(2 ** 30), 0), ...Array.from({ length: 12 }, () => randomTable(rnd, 1 + Math.floor(rnd() * 700)))];
  const bytes = writeTables(tables);

  it('round-trips tables exactly', () => {
    const back = readTables(bytes);
    expect(back.length).toBe(tables.length);
    back.forEach((t, i) => {
      expect(t.offset).toBe(tables[i]!.offset);
      expect(Array.from(t.cdf)).toEqual(Array.from(tables[i]!.cdf));
    });
    expect(readTables(writeTables([]))).toEqual([]);
    const expected = 5 + tables.reduce((a, t) => a + 6 + 2 * (t.cdf.length - 1), 0);
    expect(bytes.length).toBe(expected);
    // A subarray view (as a file reader hands it) reads the same.
    const framed = new Uint8Array(bytes.length + 3);
    framed.set(bytes, 2);
    expect(readTables(framed.subarray(2, 2 + bytes.length)).map((t) => t.offset)).toEqual(tables.map((t) => t.offset));
  });

  it('rejects every truncation, a bad version, bad sums and shapes with RangeError', () => {
    for (let cut = 0; cut < bytes.length; cut += cut < 64 ? 1 : 97) {
      expect(() => readTables(bytes.subarray(0, cut))).toThrow(RangeError);
    }
    const mutate = (f: (b: Uint8Array, v: DataView) => void): Uint8Array => {
      const b = bytes.slice();
      f(b, new DataView(b.buffer));
      return b;
    };
    expect(() => readTables(mutate((b) => (b[0] = 2)))).toThrow(/unsupported version 2/);
    // Frequencies that no longer sum to 2^16 (a non-increasing or overfull cdf in stored form).
    expect(() => readTables(mutate((_, v) => v.setUint16(11, 0xffff, true)))).toThrow(/sum to/);
    expect(() => readTables(mutate((_, v) => v.setUint16(13, v.getUint16(13, true) + 1, true)))).toThrow(/sum to/);
    expect(() => readTables(mutate((_, v) => v.setUint16(9, 0, true)))).toThrow(/in-range symbols/);
    expect(() => readTables(mutate((_, v) => v.setInt32(5, -(2 ** 31), true)))).toThrow(/offset/);
    // Counts that the bytes cannot hold are refused before anything is allocated.
    expect(() => readTables(mutate((_, v) => v.setUint32(1, 0xffffffff, true)))).toThrow(/count/);
    expect(() => readTables(mutate((_, v) => v.setUint32(1, 200, true)))).toThrow(/does not fit|truncated|needs/);
    expect(() => readTables(mutate((_, v) => v.setUint32(1, tables.length - 1, true)))).toThrow(/trailing/);
    const extended = new Uint8Array(bytes.length + 1);
    extended.set(bytes);
    expect(() => readTables(extended)).toThrow(/trailing/);
    expect(() => writeTables([{ offset: 0, cdf: Uint32Array.of(0, 3, 3, TOTAL) }])).toThrow(RangeError);
  });

  it('survives random byte flips without hanging (RangeError or valid tables)', () => {
    const r = mulberry32(32);
    for (let k = 0; k < 300; k++) {
      const b = bytes.slice();
      for (let j = 0; j < 1 + (k % 4); j++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      try {
        for (const t of readTables(b)) validateTable(t);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
      }
    }
  });
});

describe('gaussian tables', () => {
  it('computes erfc accurately', () => {
    const ref: [number, number][] = [
      [0, 1],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [2.5, 0.0004069520174449589],
      [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12],
      [-1, 1.8427007929497148],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfc(x) - v)).toBeLessThan(1e-15 + 1e-12 * v);
  });

  it('builds 64 valid tables whose frequencies follow the discretized Gaussian', () => {
    const scales = scaleTable();
    expect(scales.length).toBe(64);
    expect(scales[0]).toBe(0.11);
    expect(scales[63]).toBe(256);
    const tables = gaussianTables(scales);
    expect(tables.length).toBe(64);
    let prevLen = 0;
    tables.forEach((t, i) => {
      validateTable(t);
      expect(t.cdf[t.cdf.length - 1]).toBe(TOTAL);
      const n = t.cdf.length - 2;
      expect(n % 2).toBe(1);
      expect(t.offset).toBe(-(n - 1) / 2);
      expect(n).toBeGreaterThanOrEqual(prevLen);
      prevLen = n;
      const f = freqs(t);
      // Symmetric around 0 (up to a remainder unit); each in-range frequency near its exact mass, less
      // what the floors of 1 took (as in cdfFromPmf's test).
      for (let k = 0; k < n; k++) expect(Math.abs(f[k]! - f[n - 1 - k]!)).toBeLessThanOrEqual(1);
      const s = scales[i]!;
      const mass = (k: number): number => 0.5 * (erfc((k - 0.5) / s / Math.SQRT2) - erfc((k + 0.5) / s / Math.SQRT2));
      for (let k = 0; k < n; k += Math.max(1, Math.floor(n / 50))) {
        const target = mass(k + t.offset) * TOTAL;
        expect(Math.abs(f[k]! - target)).toBeLessThan(2 + (target * (n + 1)) / TOTAL);
      }
    });
    // Radius follows 6.1 sigma: scale 256 covers about +-1563, the smallest scale +-1.
    expect(tables[63]!.offset).toBeLessThan(-1500);
    expect(tables[63]!.offset).toBeGreaterThan(-1600);
    expect(tables[0]!.offset).toBe(-1);
    expect(freqs(tables[0]!)[1]).toBeGreaterThan(65000);
  });

  it('rejects bad scales and tail masses', () => {
    expect(() => gaussianTables([0])).toThrow(RangeError);
    expect(() => gaussianTables([NaN])).toThrow(RangeError);
    expect(() => gaussianTables([1], 0)).toThrow(RangeError);
    expect(() => scaleTable(0, 1, 4)).toThrow(RangeError);
    expect(() => scaleTable(1, 2, 0)).toThrow(RangeError);
    expect(Array.from(scaleTable(2, 8, 3))).toEqual([2, 4, 8]);
  });

  it('scaleIndex picks the smallest scale >= the prediction, monotone and clamped', () => {
    const scales = scaleTable();
    for (let i = 0; i < scales.length; i++) {
      expect(scaleIndex(scales[i]!, scales)).toBe(i);
      if (i > 0) expect(scaleIndex(scales[i - 1]! * (1 + 1e-12), scales)).toBe(i);
    }
    expect(scaleIndex(0, scales)).toBe(0);
    expect(scaleIndex(-5, scales)).toBe(0);
    expect(scaleIndex(1e9, scales)).toBe(63);
    expect(scaleIndex(Infinity, scales)).toBe(63);
    expect(scaleIndex(NaN, scales)).toBe(63);
    let prev = 0;
    for (let x = 0.01; x < 400; x *= 1.01) {
      const j = scaleIndex(x, scales);
      expect(j).toBeGreaterThanOrEqual(prev);
      if (x <= 256) expect(scales[j]).toBeGreaterThanOrEqual(x);
      if (j > 0 && x <= 256) expect(scales[j - 1]).toBeLessThan(x);
      prev = j;
    }
    expect(() => scaleIndex(1, [])).toThrow(RangeError);
  });
});

// Recorded once; a change here means streams written before no longer decode.
const GOLDEN = [192, 232, 33, 17, 68, 145, 56, 247, 229, 121, 87, 50, 0, 73, 194, 155, 253, 31];
