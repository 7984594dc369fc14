// A trained factorized density -> one CDF table per channel. The range of each table is found by
// evaluating the density on a wide integer grid and trimming the tails that hold almost no mass;
// values outside still code, through the table's escape.
import { cdfFromPmf, type CdfTable } from '../../../entropy/index.js';
import { integerPmf } from './factorized-density.js';
import type { ParamStore } from './params.js';

const SEARCH = 512;
const TAIL = 1e-6;
const MAX_TABLE = 4096;

export function densityTables(p: ParamStore, name: string, channels: number): CdfTable[] {
  const { pmf, tail } = integerPmf(p, name, channels, -SEARCH, SEARCH);
  return pmf.map((row, c) => {
    // Trim each side while the mass trimmed stays below TAIL / 2.
    let lo = 0;
    let cut = 0;
    while (lo < row.length - 1 && cut + row[lo]! < TAIL / 2) cut += row[lo++]!;
    let hi = row.length - 1;
    let cutHi = 0;
    while (hi > lo && cutHi + row[hi]! < TAIL / 2) cutHi += row[hi--]!;
    if (hi - lo + 1 > MAX_TABLE) {
      const mid = (lo + hi) >> 1;
      lo = mid - MAX_TABLE / 2;
      hi = lo + MAX_TABLE - 1;
    }
    let outside = tail[c]!;
    for (let k = 0; k < row.length; k++) if (k < lo || k > hi) outside += row[k]!;
    return cdfFromPmf(row.subarray(lo, hi + 1), lo - SEARCH, outside);
  });
}
