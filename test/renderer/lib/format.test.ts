import { describe, expect, it } from 'vitest';
import * as units from '../../../src-main/core/system/units';
import { formatBytes, formatRatio } from '../../../src-renderer/src/lib/format';

describe('format', () => {
  it('sizes and ratios are the CLI formatters themselves (one source for both)', () => {
    expect(formatBytes).toBe(units.formatBytes);
    expect(formatRatio).toBe(units.formatRatio);
  });
});
