// CLI flags read through their contract field's schema: converted from text, checked by the
// schema itself, refused in one line that says what the field accepts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../src-main/cli/command.js';
import { flagName, helpLines, schemaFlag, schemaHelp, schemaOptions } from '../../src-main/cli/schema-flags.js';
import { TrainRequest } from '../../src-main/core/contract/engine.js';

const S = z
  .object({
    quality: z.number().int().min(1).max(100).optional().describe('quality'),
    targetBpp: z.number().positive().max(64).optional(),
    downsample: z.union([z.literal(8), z.literal(16)]).optional(),
    sizes: z.array(z.number().int().min(1).max(4096)).min(1).max(3).optional(),
    fast: z.boolean().optional(),
    name: z
      .string()
      .max(10)
      .refine((s) => !s.includes('/'), 'names cannot hold a slash')
      .optional(),
  })
  .strict();

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('schema flags', () => {
  it('converts and checks each kind of field', () => {
    expect(schemaFlag(S, 'quality', { quality: '80' })).toBe(80);
    expect(schemaFlag(S, 'quality', {})).toBeUndefined();
    expect(schemaFlag(S, 'targetBpp', { 'target-bpp': '0.5' })).toBe(0.5);
    expect(schemaFlag(S, 'downsample', { downsample: '16' })).toBe(16);
    expect(schemaFlag(S, 'sizes', { sizes: '8, 16,' })).toEqual([8, 16]);
    expect(schemaFlag(S, 'fast', { fast: true })).toBe(true);
    expect(schemaFlag(S, 'name', { n: 'a b' }, 'n')).toBe('a b');
  });

  it('refuses in words taken from the schema', () => {
    expect(refusal(() => schemaFlag(S, 'quality', { quality: '101' }))).toBe("--quality must be a whole number from 1 to 100, got '101'");
    expect(refusal(() => schemaFlag(S, 'quality', { quality: '2.5' }))).toBe("--quality must be a whole number from 1 to 100, got '2.5'");
    expect(refusal(() => schemaFlag(S, 'quality', { quality: '' }))).toBe("--quality must be a whole number from 1 to 100, got ''");
    expect(refusal(() => schemaFlag(S, 'targetBpp', { 'target-bpp': '0' }))).toBe("--target-bpp must be a number above 0 and at most 64, got '0'");
    expect(refusal(() => schemaFlag(S, 'downsample', { downsample: '4' }))).toBe("--downsample must be one of 8, 16, got '4'");
    expect(refusal(() => schemaFlag(S, 'sizes', { sizes: '1,2,3,4' }))).toBe(
      "--sizes must be 1 to 3 whole numbers from 1 to 4096, separated by commas, got '1,2,3,4'",
    );
    expect(refusal(() => schemaFlag(S, 'name', { name: 'a/b' }))).toBe("--name: names cannot hold a slash, got 'a/b'");
    // The contract's own request: its range, not a copy.
    expect(refusal(() => schemaFlag(TrainRequest, 'epochs', { epochs: '10001' }))).toBe(
      "--epochs must be a whole number from 1 to 10000, got '10001'",
    );
  });

  it('names flags, parseArgs options and help from the fields', () => {
    expect(flagName('codeChannels')).toBe('code-channels');
    expect(schemaOptions(S, ['quality', 'fast'])).toEqual({ quality: { type: 'string' }, fast: { type: 'boolean' } });
    expect(helpLines(schemaHelp(S, ['quality', 'downsample', 'sizes', 'fast']))).toEqual([
      '  --quality N        quality; a whole number from 1 to 100',
      '  --downsample 8|16',
      '  --sizes N,..       1 to 3 whole numbers from 1 to 4096, separated by commas',
      '  --fast',
    ]);
  });
});
