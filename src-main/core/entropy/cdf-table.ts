// Integer cumulative-frequency tables for the model-driven range coder, and their file format.
// A table is built once from a floating-point pmf (after training) and from then on only its
// integers are used, so coding with it is bit-exact everywhere.

/** Frequencies of a table sum to 1 << CDF_PRECISION. */
export const CDF_PRECISION = 16;
const TOTAL = 1 << CDF_PRECISION;

/**
 * Most in-range symbols a table may have. Every slot needs frequency >= 1, so n + 1 <= 2^15 keeps
 * at least half of the total for the pmf itself (and guarantees the quantizer below always has a
 * slot left above the floor of 1).
 */
export const MAX_TABLE_SYMBOLS = (1 << 15) - 1;

/** Bound on |offset| and on offset + n, so escape distances stay well inside exact integers. */
export const MAX_TABLE_OFFSET = 2 ** 30;

/** Most tables one serialized blob may hold. */
export const MAX_TABLES = 1 << 20;

/** Version byte of the serialized form. */
export const TABLES_FORMAT_VERSION = 1;

/**
 * An integer CDF. Symbols offset .. offset + n - 1 (n = cdf.length - 2) are coded directly; the last
 * slot, between cdf[n] and cdf[n + 1], is the escape used for any other integer.
 * cdf[0] = 0, cdf strictly increasing, cdf[n + 1] = 1 << CDF_PRECISION.
 */
export interface CdfTable {
  offset: number;
  cdf: Uint32Array;
}

function checkShape(n: number, offset: number, where: string): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_TABLE_SYMBOLS) {
    throw new RangeError(`${where}: table must have 1..${MAX_TABLE_SYMBOLS} in-range symbols, got ${n}`);
  }
  if (!Number.isInteger(offset) || offset < -MAX_TABLE_OFFSET || offset + n > MAX_TABLE_OFFSET) {
    throw new RangeError(`${where}: table offset ${offset} (with ${n} symbols) is outside +-2^30`);
  }
}

/** Throws a RangeError naming the first defect of a malformed table. */
export function validateTable(t: CdfTable): void {
  if (t === null || typeof t !== 'object' || !(t.cdf instanceof Uint32Array)) {
    throw new RangeError('cdf table: cdf must be a Uint32Array');
  }
  const cdf = t.cdf;
  checkShape(cdf.length - 2, t.offset, 'cdf table');
  if (cdf[0] !== 0) throw new RangeError(`cdf table: cdf[0] must be 0, got ${cdf[0]}`);
  if (cdf[cdf.length - 1] !== TOTAL) throw new RangeError(`cdf table: last cdf entry must be ${TOTAL}, got ${cdf[cdf.length - 1]}`);
  for (let i = 1; i < cdf.length; i++) {
    if (cdf[i]! <= cdf[i - 1]!)
      throw new RangeError(`cdf table: cdf must be strictly increasing, cdf[${i}] = ${cdf[i]} <= cdf[${i - 1}] = ${cdf[i - 1]}`);
  }
}

/**
 * Quantizes a pmf over offset .. offset + pmf.length - 1, plus tailMass for the escape slot, into
 * integer frequencies that sum to 2^16 with every slot >= 1.
 *
 * Method (deterministic for a given input): weights are the pmf values and tailMass, negative ones
 * clamped to 0; if any is not finite or they sum to 0 the table is uniform. Targets are the weights
 * scaled to 2^16. Water-filling: slots whose scaled target is below 1 are fixed at 1 and the rest
 * rescaled to the remaining budget until no new slot falls below 1. Free slots then get the floor of
 * their target, and the leftover units go one each to the largest fractional parts (ties to the
 * lower index). Floating point is used here only; the result is plain integers.
 */
export function cdfFromPmf(pmf: ArrayLike<number>, offset: number, tailMass: number): CdfTable {
  const n = pmf.length;
  checkShape(n, offset, 'cdfFromPmf');
  const slots = n + 1;
  const w = new Float64Array(slots);
  let sum = 0;
  let finite = true;
  for (let i = 0; i < slots; i++) {
    const x = i < n ? pmf[i]! : tailMass;
    if (!Number.isFinite(x)) finite = false;
    w[i] = x > 0 ? x : 0;
    sum += w[i]!;
  }
  if (!finite || !(sum > 0) || !Number.isFinite(sum)) {
    w.fill(1);
    sum = slots;
  }

  const fixed = new Uint8Array(slots);
  let fixedCount = 0;
  let freeMass = sum;
  let scale = TOTAL / sum;
  for (;;) {
    let changed = false;
    for (let i = 0; i < slots; i++) {
      if (!fixed[i] && w[i]! * scale < 1) {
        fixed[i] = 1;
        fixedCount++;
        freeMass -= w[i]!;
        changed = true;
      }
    }
    if (!changed || fixedCount === slots || !(freeMass > 0)) break;
    scale = (TOTAL - fixedCount) / freeMass;
  }

  const freq = new Float64Array(slots);
  const frac = new Float64Array(slots);
  let total = 0;
  for (let i = 0; i < slots; i++) {
    if (fixed[i]) {
      freq[i] = 1;
    } else {
      const x = w[i]! * scale;
      freq[i] = Math.max(1, Math.floor(x));
      frac[i] = x - freq[i]!;
    }
    total += freq[i]!;
  }

  // Hand out (or take back, after float rounding) the difference, best fractional parts first.
  let diff = TOTAL - total;
  if (diff !== 0) {
    const order = Array.from({ length: slots }, (_, i) => i);
    order.sort((a, b) => frac[b]! - frac[a]! || a - b);
    if (diff < 0) order.reverse();
    while (diff !== 0) {
      let moved = false;
      for (const i of order) {
        if (diff === 0) break;
        if (diff > 0) {
          freq[i]!++;
          diff--;
          moved = true;
        } else if (freq[i]! > 1) {
          freq[i]!--;
          diff++;
          moved = true;
        }
      }
      if (!moved) throw new RangeError('cdfFromPmf: could not balance frequencies');
    }
  }

  const cdf = new Uint32Array(slots + 1);
  for (let i = 0; i < slots; i++) cdf[i + 1] = cdf[i]! + freq[i]!;
  const table = { offset, cdf };
  validateTable(table);
  return table;
}

/**
 * Serialized form (little-endian):
 *   u8 version (1) | u32 table count | per table: i32 offset, u16 n (1..32767), (n + 1) x u16 freq - 1.
 * Storing freq - 1 fits u16 because n >= 1 leaves every slot below 2^16.
 */
export function writeTables(tables: CdfTable[]): Uint8Array {
  if (tables.length > MAX_TABLES) throw new RangeError(`writeTables: at most ${MAX_TABLES} tables, got ${tables.length}`);
  let size = 5;
  for (const t of tables) {
    validateTable(t);
    size += 6 + 2 * (t.cdf.length - 1);
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = TABLES_FORMAT_VERSION;
  view.setUint32(1, tables.length, true);
  let p = 5;
  for (const t of tables) {
    const n = t.cdf.length - 2;
    view.setInt32(p, t.offset, true);
    view.setUint16(p + 4, n, true);
    p += 6;
    for (let i = 0; i <= n; i++, p += 2) view.setUint16(p, t.cdf[i + 1]! - t.cdf[i]! - 1, true);
  }
  return out;
}

const MIN_TABLE_BYTES = 6 + 2 * 2;

/** Reads writeTables' output, checking every count against the bytes present before allocating. */
export function readTables(bytes: Uint8Array): CdfTable[] {
  if (bytes.length < 5) throw new RangeError(`cdf tables: ${bytes.length} bytes is too short for the header`);
  if (bytes[0] !== TABLES_FORMAT_VERSION) {
    throw new RangeError(`cdf tables: unsupported version ${bytes[0]} (this build reads version ${TABLES_FORMAT_VERSION})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(1, true);
  if (count > MAX_TABLES) throw new RangeError(`cdf tables: count ${count} exceeds ${MAX_TABLES}`);
  if (count * MIN_TABLE_BYTES > bytes.length - 5) throw new RangeError(`cdf tables: count ${count} does not fit in ${bytes.length} bytes`);
  const tables: CdfTable[] = [];
  let p = 5;
  for (let k = 0; k < count; k++) {
    if (bytes.length - p < 6) throw new RangeError(`cdf tables: table ${k} header is truncated`);
    const offset = view.getInt32(p, true);
    const n = view.getUint16(p + 4, true);
    p += 6;
    checkShape(n, offset, `cdf tables: table ${k}`);
    if (bytes.length - p < 2 * (n + 1)) throw new RangeError(`cdf tables: table ${k} needs ${2 * (n + 1)} bytes, ${bytes.length - p} left`);
    const cdf = new Uint32Array(n + 2);
    for (let i = 0; i <= n; i++, p += 2) cdf[i + 1] = cdf[i]! + view.getUint16(p, true) + 1;
    if (cdf[n + 1] !== TOTAL) throw new RangeError(`cdf tables: table ${k} frequencies sum to ${cdf[n + 1]}, not ${TOTAL}`);
    tables.push({ offset, cdf });
  }
  if (p !== bytes.length) throw new RangeError(`cdf tables: ${bytes.length - p} unexpected trailing bytes`);
  return tables;
}
