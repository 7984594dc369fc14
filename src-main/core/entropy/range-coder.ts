// A multi-symbol range coder driven by static integer CDF tables (see cdf-table.ts).
//
// The LZMA construction: a 32-bit range, a low below 2^33 held in a double, and the carry resolved
// through a one-byte cache plus a count of pending 0xFF bytes. Every value in the coding path is
// an integer below 2^33; the operations are + - * (products below 2^32), shifts/masks, and
// Math.floor of a quotient of integers below 2^32, which IEEE division makes exact. No other
// floating point, so a stream decodes bit-exactly on every machine and engine.
//
// Escapes: a value outside a table's range codes the table's last slot, then the zigzagged
// distance d to the range as the Elias-gamma code of d + 1 in equiprobable ("bypass") bits.

import { CDF_PRECISION, type CdfTable } from './cdf-table.js';

const TOTAL = 1 << CDF_PRECISION;
/** One byte is shifted out whenever the range drops below 2^24. */
const TOP = 1 << 24;
const TWO_POW_32 = 0x1_0000_0000;
/** Values the coder accepts: the int32 range. */
const MIN_VALUE = -0x8000_0000;
const MAX_VALUE = 0x7fff_ffff;
/**
 * Longest gamma code length: int32 values and table bounds within +-2^30 give d + 1 <= 2^33, 34 bits.
 * A decoder seeing a longer prefix has a corrupt stream.
 */
const MAX_ESCAPE_BITS = 34;
/** The flush leaves at most this many zero bytes for the decoder to imagine past the end. */
const MAX_TRIMMED = 4;

function corrupt(): RangeError {
  return new RangeError('corrupt entropy stream');
}

function badTable(): RangeError {
  return new RangeError('invalid cdf table (run validateTable on tables from outside)');
}

export class RangeEncoder {
  private buf = new Uint8Array(1 << 12);
  private length = 0;
  private low = 0;
  private range = 0xffff_ffff;
  private cache = 0;
  private pending = 1;
  private finished = false;

  /** Codes the integer value (int32) with the table; values outside its range are escaped. */
  encode(value: number, table: CdfTable): void {
    if ((value | 0) !== value) throw new RangeError(`entropy coder: value ${value} is not an int32`);
    const cdf = table.cdf;
    const n = cdf.length - 2;
    const s = value - table.offset;
    const slot = s >= 0 && s < n ? s : n;
    const c = cdf[slot]!;
    const f = cdf[slot + 1]! - c;
    // Also rejects NaN from a too-short array: a zero frequency would make the range 0.
    if (!(f >= 1 && c + f <= TOTAL)) throw badTable();
    const r = this.range >>> CDF_PRECISION;
    this.low += r * c;
    this.range = r * f;
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
    if (slot === n) this.encodeEscape(value, table.offset, n);
  }

  /** Flushes and returns the stream. The encoder cannot be used afterwards. */
  finish(): Uint8Array {
    if (this.finished) throw new Error('RangeEncoder.finish called twice');
    this.finished = true;
    // Pick the point of [low, low + range) with the most trailing zero bits (range >= 2^24 holds a
    // multiple of 2^24), write it, then drop trailing zeros: the decoder reads missing bytes as 0.
    const end = this.low + this.range;
    let v = Math.ceil(this.low / TWO_POW_32) * TWO_POW_32;
    if (v >= end) v = Math.ceil(this.low / TOP) * TOP;
    this.low = v;
    for (let i = 0; i < 5; i++) this.shiftLow();
    // Byte 0 of the LZMA construction is always 0 (the interval starts below 2^32): not stored.
    let len = this.length;
    const min = Math.max(1, len - MAX_TRIMMED);
    while (len > min && this.buf[len - 1] === 0) len--;
    return this.buf.slice(1, len);
  }

  private encodeEscape(value: number, offset: number, n: number): void {
    const d = value < offset ? 2 * (offset - 1 - value) + 1 : 2 * (value - (offset + n));
    const m = d + 1;
    // Only a table with an offset beyond +-2^30 (one validateTable rejects) can get here.
    if (m >= 2 ** MAX_ESCAPE_BITS) throw badTable();
    const nb = m < TWO_POW_32 ? 32 - Math.clz32(m) : 64 - Math.clz32(Math.floor(m / TWO_POW_32));
    for (let i = 1; i < nb; i++) this.encodeBits(0, 1);
    this.encodeBits(1, 1);
    // The nb - 1 bits below the leading 1, most significant first, in chunks of up to 16.
    let left = nb - 1;
    while (left > 0) {
      const k = left < 16 ? left : 16;
      left -= k;
      const chunk = Math.floor(m / 2 ** left) % (1 << k);
      this.encodeBits(chunk, k);
    }
  }

  /** k (1..16) equiprobable bits. */
  private encodeBits(x: number, k: number): void {
    const r = this.range >>> k;
    this.low += r * x;
    this.range = r;
    while (this.range < TOP) {
      this.range *= 256;
      this.shiftLow();
    }
  }

  private shiftLow(): void {
    const low = this.low;
    if (low < 0xff00_0000 || low >= TWO_POW_32) {
      const carry = low >= TWO_POW_32 ? 1 : 0;
      this.put(this.cache + carry);
      for (; this.pending > 1; this.pending--) this.put((0xff + carry) & 0xff);
      this.pending = 0;
      this.cache = (low >>> 24) & 0xff;
    }
    this.pending++;
    this.low = (low & 0xff_ffff) * 256;
  }

  private put(byte: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = byte;
  }
}

export class RangeDecoder {
  private readonly bytes: Uint8Array;
  private pos = 0;
  private range = 0xffff_ffff;
  private code = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
  }

  /** Decodes one value coded with the same table by RangeEncoder.encode. */
  decode(table: CdfTable): number {
    const cdf = table.cdf;
    const n = cdf.length - 2;
    const r = this.range >>> CDF_PRECISION;
    const q = Math.floor(this.code / r);
    // A valid stream keeps code below r * TOTAL; the gap up to range is never used by the encoder.
    if (q >= TOTAL) throw corrupt();
    let lo = 0;
    let hi = n + 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! <= q) lo = mid;
      else hi = mid;
    }
    const c = cdf[lo]!;
    const f = cdf[lo + 1]! - c;
    if (!(c <= q && q < c + f)) throw badTable();
    this.code -= r * c;
    this.range = r * f;
    while (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
    return lo === n ? this.decodeEscape(table.offset, n) : table.offset + lo;
  }

  /**
   * True when decoding needed more than the few zero bytes a valid stream may leave implicit: the
   * stream was truncated (or the caller decoded more symbols than were coded).
   */
  overrun(): boolean {
    return this.pos - this.bytes.length > MAX_TRIMMED;
  }

  private decodeEscape(offset: number, n: number): number {
    let nb = 1;
    while (this.decodeBits(1) === 0) {
      if (++nb > MAX_ESCAPE_BITS) throw corrupt();
    }
    let m = 1;
    let left = nb - 1;
    while (left > 0) {
      const k = left < 16 ? left : 16;
      left -= k;
      m = m * (1 << k) + this.decodeBits(k);
    }
    const d = m - 1;
    const v = d % 2 === 1 ? offset - 1 - (d - 1) / 2 : offset + n + d / 2;
    if (v < MIN_VALUE || v > MAX_VALUE) throw corrupt();
    return v;
  }

  private decodeBits(k: number): number {
    const r = this.range >>> k;
    const x = Math.floor(this.code / r);
    if (x >= 1 << k) throw corrupt();
    this.code -= r * x;
    this.range = r;
    while (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
    return x;
  }

  private next(): number {
    const p = this.pos++;
    return p < this.bytes.length ? this.bytes[p]! : 0;
  }
}
