// Lossless coding of an alpha plane with the same context-modelling coder as the code grids:
// one channel, spatial median prediction (as in LOCO-I), so flat and mostly-opaque masks cost
// almost nothing and anti-aliased edges stay cheap.
import { decodeGrid, encodeGrid } from './grid-coder.js';

export function encodeAlpha(alpha: Uint8Array, width: number, height: number): Uint8Array {
  return encodeGrid(Int32Array.from(alpha), height, width, 1, 'spatial');
}

/** Throws RangeDecodeError on a corrupt plane (including values outside 0..255). */
export function decodeAlpha(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const sym = decodeGrid(bytes, height, width, 1, 'spatial');
  const out = new Uint8Array(sym.length);
  for (let i = 0; i < sym.length; i++) {
    const v = sym[i]!;
    if (v < 0 || v > 255) throw new AlphaRangeError();
    out[i] = v;
  }
  return out;
}

export class AlphaRangeError extends Error {
  constructor() {
    super('alpha plane holds a value outside 0..255 (corrupt)');
    this.name = 'AlphaRangeError';
  }
}
