// A binary adaptive range coder in integer arithmetic (the LZMA construction: 32-bit range,
// carry propagated through a one-byte cache). Every value in the coding path is an integer below
// 2^33 and every operation on it is exact (add, subtract, shift, and a multiply whose product stays
// below 2^32), with no division and no floating-point value, so a stream decodes bit-exactly on
// every machine and JavaScript engine. Multi-valued symbols are coded as sequences of binary
// decisions (see int-coder.ts), each with its own adaptive probability.

/** Probabilities are coded with 12 bits: P(bit = 0) = p / 4096. */
const PROB_BITS = 12;
const PROB_ONE = 1 << PROB_BITS;
/** The range is renormalised (one byte out) whenever it drops below 2^24. */
const TOP = 1 << 24;
const TWO_POW_32 = 0x1_0000_0000;

/**
 * Adaptive bit models. Each context keeps two 16-bit estimates of P(bit = 0), a fast one and a
 * slow one, and codes with their average: the fast one follows local changes, the slow one is
 * precise on stationary data. A per-context count makes the first observations move both estimates
 * like a frequency count (rate 1/(n+2)) before they settle on their own rates.
 */
export class BitModels {
  readonly fast: Uint16Array;
  readonly slow: Uint16Array;
  readonly n: Uint8Array;
  constructor(size: number) {
    this.fast = halves(size);
    this.slow = halves(size);
    this.n = new Uint8Array(size);
  }
  get size(): number {
    return this.n.length;
  }
}

/** A fresh array of P = 1/2 states, copied from a cached template (coders are made per image). */
let template = new Uint16Array(0);
function halves(size: number): Uint16Array {
  if (template.length < size) template = new Uint16Array(Math.max(size, 2 * template.length)).fill(1 << 15);
  return template.slice(0, size);
}

const FAST_LIMIT = 5;
const SLOW_LIMIT = 8;
/** Adaptation shift by count: floor(log2(n + 2)), so early updates behave like counting. */
const WARMUP = Uint8Array.from({ length: 256 }, (_, n) => 31 - Math.clz32(n + 2));

function probOf(m: BitModels, i: number): number {
  // Two 16-bit states -> 12-bit coding probability, kept away from 0 and 1 so nothing is impossible.
  const q = (m.fast[i]! + m.slow[i]!) >>> 5;
  return q < 1 ? 1 : q > PROB_ONE - 1 ? PROB_ONE - 1 : q;
}

function probOf2(m: BitModels, i: number, j: number): number {
  const q = (m.fast[i]! + m.slow[i]! + m.fast[j]! + m.slow[j]!) >>> 6;
  return q < 1 ? 1 : q > PROB_ONE - 1 ? PROB_ONE - 1 : q;
}

function update(m: BitModels, i: number, bit: number): void {
  const n = m.n[i]!;
  const w = WARMUP[n]!;
  if (n < 255) m.n[i] = n + 1;
  const sf = w < FAST_LIMIT ? w : FAST_LIMIT;
  const ss = w < SLOW_LIMIT ? w : SLOW_LIMIT;
  const f = m.fast[i]!;
  const s = m.slow[i]!;
  if (bit === 0) {
    m.fast[i] = f + ((65535 - f) >>> sf);
    m.slow[i] = s + ((65535 - s) >>> ss);
  } else {
    m.fast[i] = f - (f >>> sf);
    m.slow[i] = s - (s >>> ss);
  }
}

/** Growable byte sink. */
class ByteSink {
  buf: Uint8Array;
  length = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }
  push(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class RangeEncoder {
  private low = 0; // < 2^33 between steps
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private readonly out: ByteSink;
  private finished = false;

  constructor(sizeHint = 256) {
    this.out = new ByteSink(Math.max(16, sizeHint));
  }

  /** Codes one bit with the adaptive model m[i], then adapts it. */
  encodeBit(m: BitModels, i: number, bit: number): void {
    const bound = (this.range >>> PROB_BITS) * probOf(m, i);
    if (bit === 0) {
      this.range = bound;
    } else {
      this.low += bound;
      this.range -= bound;
    }
    update(m, i, bit);
    while (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.shiftLow();
    }
  }

  /**
   * Codes one bit with the average of two adaptive models (e.g. one shared by all channels, quick
   * to learn, and one for this channel alone, specific), then adapts both.
   */
  encodeBit2(m: BitModels, i: number, j: number, bit: number): void {
    const bound = (this.range >>> PROB_BITS) * probOf2(m, i, j);
    if (bit === 0) {
      this.range = bound;
    } else {
      this.low += bound;
      this.range -= bound;
    }
    update(m, i, bit);
    update(m, j, bit);
    while (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.shiftLow();
    }
  }

  /** Codes `count` (<= 24) low bits of `value` at probability 1/2 each, most significant first. */
  encodeDirect(value: number, count: number): void {
    for (let k = count - 1; k >= 0; k--) {
      this.range = this.range >>> 1;
      if ((value >>> k) & 1) this.low += this.range;
      while (this.range < TOP) {
        this.range = (this.range << 8) >>> 0;
        this.shiftLow();
      }
    }
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO_POW_32) {
      const carry = this.low >= TWO_POW_32 ? 1 : 0;
      let temp = this.cache;
      do {
        this.out.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = (this.low >>> 24) & 0xff; // bits 24..31 (>>> works modulo 2^32)
    }
    this.cacheSize++;
    this.low = ((this.low & 0x00ffffff) << 8) >>> 0;
  }

  /** Flushes the coder; the encoder cannot be used afterwards. */
  finish(): Uint8Array {
    if (!this.finished) {
      for (let k = 0; k < 5; k++) this.shiftLow();
      this.finished = true;
    }
    return this.out.bytes();
  }
}

/** Raised when a payload ends before its symbols do: the bytes are corrupt or truncated. */
export class RangeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RangeDecodeError';
  }
}

export class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly src: Uint8Array,
    start = 0,
    end = src.length,
  ) {
    this.pos = start;
    this.end = end;
    // The encoder's first byte is always 0 (its initial cache); 4 more fill the code register.
    if (this.nextByte() !== 0) throw new RangeDecodeError('payload does not start like a range-coded stream');
    for (let k = 0; k < 4; k++) this.code = ((this.code << 8) | this.nextByte()) >>> 0;
    if (this.code === 0xffffffff) throw new RangeDecodeError('payload is not a valid range-coded stream');
  }

  private nextByte(): number {
    if (this.pos >= this.end) throw new RangeDecodeError('payload ended before its last symbol (truncated or corrupt)');
    return this.src[this.pos++]!;
  }

  /** Bytes consumed so far. */
  get consumed(): number {
    return this.pos;
  }

  decodeBit(m: BitModels, i: number): number {
    const bound = (this.range >>> PROB_BITS) * probOf(m, i);
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    update(m, i, bit);
    while (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.nextByte()) >>> 0;
    }
    return bit;
  }

  decodeBit2(m: BitModels, i: number, j: number): number {
    const bound = (this.range >>> PROB_BITS) * probOf2(m, i, j);
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    update(m, i, bit);
    update(m, j, bit);
    while (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.nextByte()) >>> 0;
    }
    return bit;
  }

  decodeDirect(count: number): number {
    let v = 0;
    for (let k = 0; k < count; k++) {
      this.range = this.range >>> 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      v = (v << 1) | bit;
      while (this.range < TOP) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.nextByte()) >>> 0;
      }
    }
    return v >>> 0;
  }
}
