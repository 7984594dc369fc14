import { describe, expect, it } from 'vitest';
import { formatBytes, formatRatio } from '../../../src-main/core/system/units.js';

describe('units', () => {
  it('reads sizes in binary multiples with the studio unit names (KB, never kB)', () => {
    expect(formatBytes(989)).toBe('989 B');
    expect(formatBytes(10_035)).toBe('9.8 KB');
    expect(formatBytes(122_880)).toBe('120 KB');
    expect(formatBytes(4.2 * 1024 * 1024)).toBe('4.2 MB');
    expect(formatBytes(1.05 * 1024 ** 3)).toBe('1.05 GB');
    expect(formatBytes(null)).toBe('–');
  });

  it('reads ratios as N:1 (never 22.6x), one decimal under 10', () => {
    expect(formatRatio(125.4)).toBe('125:1');
    expect(formatRatio(22.6)).toBe('23:1');
    expect(formatRatio(4.24)).toBe('4.2:1');
    expect(formatRatio(Number.POSITIVE_INFINITY)).toBe('–');
  });
});
