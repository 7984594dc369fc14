// Model-driven entropy coding: integer CDF tables, the range coder that codes with them, and the
// Gaussian-conditional tables. See docs/entropy-coding.md.
export {
  CDF_PRECISION,
  cdfFromPmf,
  MAX_TABLE_OFFSET,
  MAX_TABLE_SYMBOLS,
  MAX_TABLES,
  readTables,
  TABLES_FORMAT_VERSION,
  validateTable,
  writeTables,
  type CdfTable,
} from './cdf-table.js';
export { erfc, gaussianTables, MAX_GAUSSIAN_RADIUS, scaleIndex, scaleTable } from './gaussian-tables.js';
export { RangeDecoder, RangeEncoder } from './range-coder.js';
