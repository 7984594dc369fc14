import { brotliCompressSync, constants as zc } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGrid, encodeGrid, GridDecoder, GridEncoder, MAX_SYMBOL, PREDICTORS } from '../../../src-main/core/codec/grid-coder.js';
import { decodeInt, encodeInt, IntModels, MAX_ABS } from '../../../src-main/core/codec/int-coder.js';
import { BitModels, RangeDecodeError, RangeDecoder, RangeEncoder } from '../../../src-main/core/codec/range-coder.js';
import { mulberry32 } from './random.js';

function roundTripInts(values: number[], sets = 1, ctxOf = (i: number) => i % sets): number[] {
  const enc = new RangeEncoder();
  const m = new IntModels(2 * sets);
  values.forEach((v, i) => encodeInt(enc, m, ctxOf(i), sets + ((i * 7) % sets), i % 3, v));
  const bytes = enc.finish();
  const dec = new RangeDecoder(bytes);
  const m2 = new IntModels(2 * sets);
  return values.map((_, i) => decodeInt(dec, m2, ctxOf(i), sets + ((i * 7) % sets), i % 3));
}

describe('binary range coder', () => {
  it('round-trips random bit streams of many lengths and skews, adaptive and direct bits mixed', () => {
    const rnd = mulberry32(1);
    for (const n of [0, 1, 2, 3, 7, 100, 1000, 20000]) {
      for (const p1 of [0, 0.001, 0.1, 0.5, 0.9, 1]) {
        const bits = Array.from({ length: n }, () => (rnd() < p1 ? 1 : 0));
        const direct = Array.from({ length: n }, () => Math.floor(rnd() * 2 ** 24));
        const enc = new RangeEncoder();
        const m = new BitModels(4);
        bits.forEach((b, i) => {
          enc.encodeBit(m, i & 3, b);
          if (i % 5 === 0) enc.encodeDirect(direct[i]!, 1 + (i % 24));
        });
        const bytes = enc.finish();
        const dec = new RangeDecoder(bytes);
        const m2 = new BitModels(4);
        bits.forEach((b, i) => {
          expect(dec.decodeBit(m2, i & 3)).toBe(b);
          if (i % 5 === 0) expect(dec.decodeDirect(1 + (i % 24))).toBe(direct[i]! & ((1 << (1 + (i % 24))) - 1));
        });
        // A valid stream never reads past its end.
        expect(dec.consumed).toBeLessThanOrEqual(bytes.length);
      }
    }
  });

  it('compresses skewed bits close to their entropy', () => {
    const rnd = mulberry32(2);
    const n = 100_000;
    const enc = new RangeEncoder();
    const m = new BitModels(1);
    for (let i = 0; i < n; i++) enc.encodeBit(m, 0, rnd() < 0.05 ? 1 : 0);
    const bytes = enc.finish().length;
    const entropy = (n * -(0.05 * Math.log2(0.05) + 0.95 * Math.log2(0.95))) / 8;
    expect(bytes).toBeLessThan(entropy * 1.05);
    expect(bytes).toBeGreaterThan(entropy * 0.97);
  });

  it('throws a RangeDecodeError, not a hang, when a stream is cut short', () => {
    const rnd = mulberry32(3);
    const vals = Array.from({ length: 500 }, () => Math.floor((rnd() - 0.5) * 1000));
    const enc = new RangeEncoder();
    const m = new IntModels(2);
    for (const v of vals) encodeInt(enc, m, 0, 1, 0, v);
    const bytes = enc.finish();
    for (const cut of [0, 1, 3, 5, Math.floor(bytes.length / 2), bytes.length - 1]) {
      expect(() => {
        const dec = new RangeDecoder(bytes.subarray(0, cut));
        const m2 = new IntModels(2);
        for (let i = 0; i < vals.length; i++) decodeInt(dec, m2, 0, 1, 0);
      }).toThrow(RangeDecodeError);
    }
  });
});

describe('integer coder', () => {
  it('round-trips empty, single-symbol and constant streams', () => {
    expect(roundTripInts([])).toEqual([]);
    for (const v of [0, 1, -1, 2, -3, 255, -256, 65536, MAX_ABS, -MAX_ABS]) {
      expect(roundTripInts([v])).toEqual([v]);
      expect(roundTripInts(new Array(1000).fill(v))).toEqual(new Array(1000).fill(v));
    }
  });

  it('round-trips random streams over many alphabets, lengths and context counts', () => {
    const rnd = mulberry32(4);
    const alphabets: Array<() => number> = [
      () => 0,
      () => (rnd() < 0.5 ? 0 : 1),
      () => Math.floor(rnd() * 3) - 1,
      () => Math.round((rnd() - 0.5) * 20),
      () => Math.round(Math.tan((rnd() - 0.5) * 3.1) * 10), // heavy tails
      () => Math.floor((rnd() - 0.5) * 2 * MAX_ABS),
      () => (rnd() < 0.5 ? MAX_ABS : -MAX_ABS),
      () => Math.round(2 ** (rnd() * 31) - 1) * (rnd() < 0.5 ? -1 : 1),
    ];
    for (const gen of alphabets) {
      for (const n of [1, 2, 17, 256, 5000]) {
        for (const sets of [1, 7]) {
          const values = Array.from({ length: n }, () => gen() + 0); // + 0 turns -0 into 0
          expect(roundTripInts(values, sets)).toEqual(values);
        }
      }
    }
  });

  it('refuses values it cannot represent', () => {
    const enc = new RangeEncoder();
    const m = new IntModels(2);
    expect(() => encodeInt(enc, m, 0, 1, 0, MAX_ABS + 1)).toThrow(RangeError);
    expect(() => encodeInt(enc, m, 0, 1, 0, 0.5)).toThrow(RangeError);
  });
});

describe('grid coder', () => {
  it('round-trips random grids of many shapes with every predictor', () => {
    const rnd = mulberry32(5);
    const shapes: Array<[number, number, number]> = [
      [0, 0, 1],
      [1, 1, 1],
      [1, 1, 32],
      [1, 37, 3],
      [29, 1, 2],
      [7, 9, 16],
      [40, 30, 8],
    ];
    for (const predictor of PREDICTORS) {
      for (const [gh, gw, c] of shapes) {
        for (const spread of [0, 1, 10, 1000, MAX_SYMBOL]) {
          const sym = Int32Array.from({ length: gh * gw * c }, () => Math.round((rnd() * 2 - 1) * spread));
          const bytes = encodeGrid(sym, gh, gw, c, predictor);
          expect(decodeGrid(bytes, gh, gw, c, predictor)).toEqual(sym);
        }
      }
    }
  });

  it('codes several grids in one stream (a pack block) and decodes them in order', () => {
    const rnd = mulberry32(6);
    const grids = Array.from({ length: 50 }, () => Int32Array.from({ length: 32 }, () => Math.round((rnd() - 0.3) * 12)));
    const enc = new GridEncoder(32, 'mean');
    for (const g of grids) enc.encode(g, 1, 1);
    const bytes = enc.finish();
    const dec = new GridDecoder(bytes, 32, 'mean');
    for (const g of grids) expect(dec.decode(1, 1)).toEqual(g);
  });

  it('beats brotli on smooth correlated grids', () => {
    const rnd = mulberry32(7);
    const gh = 60,
      gw = 80,
      c = 8;
    const sym = new Int32Array(gh * gw * c);
    for (let y = 0; y < gh; y++)
      for (let x = 0; x < gw; x++)
        for (let ch = 0; ch < c; ch++)
          sym[(y * gw + x) * c + ch] = Math.round(10 * Math.sin(x / 7 + ch) + 8 * Math.cos(y / 5) + (rnd() - 0.5) * 3);
    const ours = encodeGrid(sym, gh, gw, c, 'spatial').length;
    const asBytes = Buffer.from(Int8Array.from(sym).buffer);
    const brotli = brotliCompressSync(asBytes, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
    expect(ours).toBeLessThan(brotli);
  });

  it('refuses out-of-range symbols and reports corrupt payloads', () => {
    expect(() => encodeGrid(Int32Array.of(MAX_SYMBOL + 1), 1, 1, 1, 'none')).toThrow(RangeError);
    const bytes = encodeGrid(
      Int32Array.from({ length: 300 }, (_, i) => i % 17),
      10,
      10,
      3,
      'spatial',
    );
    expect(() => decodeGrid(bytes.subarray(0, bytes.length - 3), 10, 10, 3, 'spatial')).toThrow(RangeDecodeError);
  });
});
