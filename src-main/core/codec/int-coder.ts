// Signed integers of any size up to 2^31 - 1 as binary decisions for the range coder:
// a zero flag, a sign, the magnitude's bucket e = floor(log2|v|) in unary (the escape: large
// values just take a longer unary code), then the e bits below the leading one, the first two
// adaptively (they carry the shape of the distribution) and the rest at probability 1/2.
// Each "context set" is an independent group of adaptive models, so the caller can give each code
// channel and neighbourhood class its own statistics.
import { BitModels, type RangeDecoder, type RangeEncoder } from './range-coder.js';

/** Largest magnitude an int-coded value may have. */
export const MAX_ABS = 0x7fffffff;

const MAX_BUCKET = 30; // floor(log2(2^31 - 1))
const ZERO = 0;
const SIGN = 1; // 3 sign contexts
const UNARY = 4; // MAX_BUCKET unary decisions
const MANT = UNARY + MAX_BUCKET; // 3 models per bucket: first bit, second bit given the first
const MANT_ADAPTIVE = 2;
const SET_SIZE = MANT + 3 * (MAX_BUCKET + 1);

/** Number of sign contexts the caller may choose from (e.g. the sign of a neighbour). */
export const SIGN_CONTEXTS = 3;

export class IntModels {
  readonly bits: BitModels;
  constructor(readonly sets: number) {
    this.bits = new BitModels(sets * SET_SIZE);
  }
}

/** floor(log2(v)) for v >= 1. */
function bucketOf(v: number): number {
  return 31 - Math.clz32(v);
}

/**
 * Codes v with each decision's probability averaged over two context sets (pass the same set twice
 * for one): `set` and `set2` index into the same IntModels.
 */
export function encodeInt(enc: RangeEncoder, models: IntModels, set: number, set2: number, signCtx: number, v: number): void {
  if (!Number.isInteger(v) || v > MAX_ABS || v < -MAX_ABS) throw new RangeError(`symbol ${v} is outside +-${MAX_ABS}`);
  const m = models.bits;
  const base = set * SET_SIZE;
  const o = (set2 - set) * SET_SIZE;
  if (v === 0) {
    enc.encodeBit2(m, base + ZERO, base + ZERO + o, 0);
    return;
  }
  enc.encodeBit2(m, base + ZERO, base + ZERO + o, 1);
  enc.encodeBit2(m, base + SIGN + signCtx, base + SIGN + signCtx + o, v < 0 ? 1 : 0);
  const a = v < 0 ? -v : v;
  const e = bucketOf(a);
  for (let i = 0; i < MAX_BUCKET; i++) {
    const more = e > i ? 1 : 0;
    enc.encodeBit2(m, base + UNARY + i, base + UNARY + i + o, more);
    if (!more) break;
  }
  if (e === 0) return;
  const rest = a - (1 << e); // e bits, < 2^30
  const mb = base + MANT + 3 * e;
  const b0 = (rest >>> (e - 1)) & 1;
  enc.encodeBit2(m, mb, mb + o, b0);
  if (e === 1) return;
  enc.encodeBit2(m, mb + 1 + b0, mb + 1 + b0 + o, (rest >>> (e - 2)) & 1);
  let left = e - MANT_ADAPTIVE;
  while (left > 0) {
    const n = left > 16 ? 16 : left;
    left -= n;
    enc.encodeDirect((rest >>> left) & ((1 << n) - 1), n);
  }
}

export function decodeInt(dec: RangeDecoder, models: IntModels, set: number, set2: number, signCtx: number): number {
  const m = models.bits;
  const base = set * SET_SIZE;
  const o = (set2 - set) * SET_SIZE;
  if (dec.decodeBit2(m, base + ZERO, base + ZERO + o) === 0) return 0;
  const negative = dec.decodeBit2(m, base + SIGN + signCtx, base + SIGN + signCtx + o) === 1;
  let e = 0;
  while (e < MAX_BUCKET && dec.decodeBit2(m, base + UNARY + e, base + UNARY + e + o) === 1) e++;
  let a = 1;
  if (e > 0) {
    const mb = base + MANT + 3 * e;
    const b0 = dec.decodeBit2(m, mb, mb + o);
    let rest = b0;
    if (e > 1) rest = rest * 2 + dec.decodeBit2(m, mb + 1 + b0, mb + 1 + b0 + o);
    let left = e - MANT_ADAPTIVE;
    while (left > 0) {
      const n = left > 16 ? 16 : left;
      left -= n;
      rest = rest * (1 << n) + dec.decodeDirect(n);
    }
    a = (1 << e) + rest;
  }
  return negative ? -a : a;
}
