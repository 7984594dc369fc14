// Entropy coding of quantized code grids (HWC integer symbols) with context modelling:
// each symbol is predicted (nothing, an adaptive per-channel mean, or a spatial median of its
// left, upper and upper-left neighbours), and the residual is coded with models chosen by its
// code channel and by the magnitude of the neighbouring residuals (left, above, previous channel):
// busy neighbourhoods get wide distributions, quiet ones sharp ones.
// A GridEncoder may code several grids in a row (a pack block): the statistics carry over, which
// is what makes tiny images (one code cell each) cheap.
import { encodeInt, decodeInt, IntModels } from './int-coder.js';
import { BitModels, RangeDecodeError, RangeDecoder, RangeEncoder } from './range-coder.js';

export const PREDICTORS = ['none', 'mean', 'spatial'] as const;
export type Predictor = (typeof PREDICTORS)[number];

/** Predictor id as stored in the container. */
export function predictorId(p: Predictor): number {
  return PREDICTORS.indexOf(p);
}
export function predictorFromId(id: number): Predictor | undefined {
  return PREDICTORS[id];
}

/** Largest symbol magnitude a grid may hold (leaves headroom for fixed-point means). */
export const MAX_SYMBOL = 1 << 24;
/** Largest number of code channels. */
export const MAX_CHANNELS = 4096;
const MEAN_FRAC = 4; // fixed-point bits of the running channel mean
const MEAN_RATE = 3; // it moves 1/8 of the way per symbol

/** Context class from a magnitude: 0, 1, 2-3, 4-7, ... capped at 7. */
function classOf(v: number): number {
  const b = v === 0 ? 0 : 32 - Math.clz32(v);
  return b < 8 ? b : 7;
}

/** Coarser class: 0, 1, 2-3, 4+. */
function q4(v: number): number {
  return v === 0 ? 0 : v === 1 ? 1 : v <= 3 ? 2 : 3;
}

function abs(v: number): number {
  return v < 0 ? -v : v;
}

function med(w: number, n: number, nw: number): number {
  const lo = w < n ? w : n;
  const hi = w < n ? n : w;
  if (nw >= hi) return lo;
  if (nw <= lo) return hi;
  return w + n - nw;
}

/** Shared context sets: 4 neighbourhood x 4 cell activity x 8 channel-magnitude classes. */
const SHARED_SETS = 4 * 4 * 8;
/** Per-channel context sets: 4 neighbourhood x 4 cell activity classes. */
const CHANNEL_SETS = 4 * 4;
/** Copy-flag contexts: whether the left and the upper cell were copies. */
const COPY_CONTEXTS = 4;

/**
 * The state shared by encoder and decoder: models, per-channel running statistics, and the
 * per-cell copy flags of the grid being coded.
 */
class GridState {
  readonly models: IntModels;
  readonly copyModels = new BitModels(2 * COPY_CONTEXTS);
  /** Running mean of each channel's symbols (fixed point), the 'mean' prediction. */
  readonly means: Int32Array;
  /** Running mean of each channel's residual magnitudes (fixed point), a context. */
  readonly mags: Int32Array;
  /** Context of the symbol about to be coded (set by context()). */
  setA = 0;
  setB = 0;
  sign = 0;
  /** Sum of residual magnitudes of the cell's channels coded so far. */
  private cell = 0;

  constructor(
    readonly channels: number,
    readonly predictor: Predictor,
  ) {
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) throw new RangeError(`bad channel count ${channels}`);
    this.models = new IntModels(SHARED_SETS + channels * CHANNEL_SETS);
    this.means = new Int32Array(channels);
    this.mags = new Int32Array(channels);
  }

  predict(sym: Int32Array, gw: number, y: number, x: number, ch: number, i: number): number {
    const c = this.channels;
    if (this.predictor === 'none') return 0;
    if (this.predictor === 'spatial' && (x > 0 || y > 0)) {
      if (y === 0) return sym[i - c]!;
      if (x === 0) return sym[i - gw * c]!;
      return med(sym[i - c]!, sym[i - gw * c]!, sym[i - gw * c - c]!);
    }
    return (this.means[ch]! + (1 << (MEAN_FRAC - 1))) >> MEAN_FRAC;
  }

  /**
   * Chooses the models for position i from already coded residuals: a set shared by all channels
   * (quick to learn), keyed by the left+upper residuals, the cell's earlier channels and the
   * channel's typical magnitude; and a set of this channel alone. The coder averages the two.
   */
  context(res: Int32Array, gw: number, y: number, x: number, ch: number, i: number): void {
    const c = this.channels;
    const w = x > 0 ? res[i - c]! : 0;
    const n = y > 0 ? res[i - gw * c]! : 0;
    if (ch === 0) this.cell = 0;
    const s = x > 0 ? w : n;
    this.sign = s === 0 ? 0 : s > 0 ? 1 : 2;
    const qa = q4(abs(w) + abs(n));
    const qc = q4(this.cell);
    this.setA = (qa * 4 + qc) * 8 + classOf((this.mags[ch]! + 8) >> 4);
    this.setB = SHARED_SETS + ch * CHANNEL_SETS + qa * 4 + qc;
  }

  learn(ch: number, s: number, r: number): void {
    const m = this.means[ch]!;
    this.means[ch] = m + (((s << MEAN_FRAC) - m) >> MEAN_RATE);
    const a = abs(r);
    const g = this.mags[ch]!;
    this.mags[ch] = g + ((((a < MAX_SYMBOL ? a : MAX_SYMBOL) << 4) - g) >> 2);
    this.cell += a;
  }
}

/** Same values in cells a and b (HWC offsets) for all channels. */
function sameCell(sym: Int32Array, a: number, b: number, c: number): boolean {
  for (let k = 0; k < c; k++) if (sym[a + k] !== sym[b + k]) return false;
  return true;
}

/**
 * Cells that repeat their left or upper neighbour exactly (flat regions) are coded as one flag:
 * the copy flags come first in each cell of a multi-channel grid with a neighbour.
 */
function copyContext(copied: Uint8Array, gw: number, y: number, x: number): number {
  const j = y * gw + x;
  return (x > 0 && copied[j - 1] ? 1 : 0) + (y > 0 && copied[j - gw] ? 2 : 0);
}

export class GridEncoder {
  private readonly state: GridState;
  private readonly enc: RangeEncoder;

  constructor(channels: number, predictor: Predictor, sizeHint = 1024) {
    this.state = new GridState(channels, predictor);
    this.enc = new RangeEncoder(sizeHint);
  }

  /** Codes one grid of gh x gw cells with `channels` symbols each (HWC). */
  encode(symbols: Int32Array, gh: number, gw: number): void {
    const st = this.state;
    const c = st.channels;
    if (symbols.length !== gh * gw * c) throw new RangeError(`grid of ${symbols.length} symbols is not ${gh}x${gw}x${c}`);
    for (let i = 0; i < symbols.length; i++) {
      const s = symbols[i]!;
      if (s > MAX_SYMBOL || s < -MAX_SYMBOL) throw new RangeError(`symbol ${s} is outside +-${MAX_SYMBOL}`);
    }
    const res = new Int32Array(symbols.length);
    const copied = new Uint8Array(gh * gw);
    const cm = st.copyModels;
    let i = 0;
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let copy = 0;
        if (c > 1 && (x > 0 || y > 0)) {
          const ctx = copyContext(copied, gw, y, x);
          const left = x > 0 ? i - c : -1;
          const up = y > 0 ? i - gw * c : -1;
          if (left >= 0) {
            copy = sameCell(symbols, i, left, c) ? 1 : 0;
            this.enc.encodeBit(cm, ctx, copy);
          }
          if (!copy && up >= 0 && !(left >= 0 && sameCell(symbols, up, left, c))) {
            copy = sameCell(symbols, i, up, c) ? 2 : 0;
            this.enc.encodeBit(cm, COPY_CONTEXTS + ctx, copy ? 1 : 0);
          }
          copied[y * gw + x] = copy ? 1 : 0;
        }
        for (let ch = 0; ch < c; ch++, i++) {
          const s = symbols[i]!;
          const r = s - st.predict(symbols, gw, y, x, ch, i);
          res[i] = r;
          st.context(res, gw, y, x, ch, i);
          if (!copy) encodeInt(this.enc, st.models, st.setA, st.setB, st.sign, r);
          st.learn(ch, s, r);
        }
      }
    }
  }

  finish(): Uint8Array {
    return this.enc.finish();
  }
}

export class GridDecoder {
  private readonly state: GridState;
  private readonly dec: RangeDecoder;

  /** Decodes from bytes[start, end); throws RangeDecodeError on anything a valid stream cannot hold. */
  constructor(bytes: Uint8Array, channels: number, predictor: Predictor, start = 0, end = bytes.length) {
    this.state = new GridState(channels, predictor);
    this.dec = new RangeDecoder(bytes, start, end);
  }

  decode(gh: number, gw: number): Int32Array {
    const st = this.state;
    const c = st.channels;
    const sym = new Int32Array(gh * gw * c);
    const res = new Int32Array(sym.length);
    const copied = new Uint8Array(gh * gw);
    const cm = st.copyModels;
    let i = 0;
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let from = -1;
        if (c > 1 && (x > 0 || y > 0)) {
          const ctx = copyContext(copied, gw, y, x);
          const left = x > 0 ? i - c : -1;
          const up = y > 0 ? i - gw * c : -1;
          if (left >= 0 && this.dec.decodeBit(cm, ctx)) from = left;
          if (from < 0 && up >= 0 && !(left >= 0 && sameCell(sym, up, left, c)) && this.dec.decodeBit(cm, COPY_CONTEXTS + ctx)) from = up;
          copied[y * gw + x] = from >= 0 ? 1 : 0;
        }
        for (let ch = 0; ch < c; ch++, i++) {
          const pred = st.predict(sym, gw, y, x, ch, i);
          let s: number;
          let r: number;
          if (from >= 0) {
            s = sym[from + ch]!;
            r = s - pred;
          } else {
            st.context(res, gw, y, x, ch, i);
            r = decodeInt(this.dec, st.models, st.setA, st.setB, st.sign);
            s = pred + r;
            if (s > MAX_SYMBOL || s < -MAX_SYMBOL) throw new RangeDecodeError('payload holds a symbol out of range (corrupt)');
          }
          res[i] = r;
          sym[i] = s;
          if (from >= 0) st.context(res, gw, y, x, ch, i);
          st.learn(ch, s, r);
        }
      }
    }
    return sym;
  }

  get consumed(): number {
    return this.dec.consumed;
  }
}

/** One grid in one stream. */
export function encodeGrid(symbols: Int32Array, gh: number, gw: number, channels: number, predictor: Predictor): Uint8Array {
  const e = new GridEncoder(channels, predictor, Math.max(64, symbols.length));
  e.encode(symbols, gh, gw);
  return e.finish();
}

export function decodeGrid(bytes: Uint8Array, gh: number, gw: number, channels: number, predictor: Predictor): Int32Array {
  return new GridDecoder(bytes, channels, predictor).decode(gh, gw);
}
