// What a request field accepts, read from its zod schema: the rules the CLI's flags and the
// renderer's forms state instead of copies of the numbers.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { choicesOf, fieldRule, fieldRules, inputLimits, listLimits, ruleWords } from '../../../src-main/core/contract/field-rules.js';
import { TrainRequest } from '../../../src-main/core/contract/engine.js';

describe('field rules', () => {
  it('reads bounds, whole numbers and exclusive bounds from the checks', () => {
    expect(fieldRule(TrainRequest, 'epochs')).toMatchObject({ kind: 'number', integer: true, min: 1, max: 10000 });
    expect(fieldRule(TrainRequest, 'learningRate')).toMatchObject({ kind: 'number', integer: false, above: 0, max: 1 });
    expect(ruleWords(fieldRule(TrainRequest, 'epochs'))).toBe('a whole number from 1 to 10000');
    expect(ruleWords(fieldRule(TrainRequest, 'learningRate'))).toBe('a number above 0 and at most 1');
    expect(inputLimits(fieldRule(TrainRequest, 'learningRate'))).toEqual({ min: 0, max: 1, step: 'any' });
    expect(inputLimits(fieldRule(TrainRequest, 'tile'))).toEqual({ min: 0, max: 1024, step: 1 });
  });

  it('follows the schema when it changes', () => {
    const s = z.object({ n: z.number().int().min(3).max(7).optional(), m: z.number().int().min(0) }).strict();
    expect(ruleWords(fieldRule(s, 'n'))).toBe('a whole number from 3 to 7');
    // z.int() alone is bounded by the safe integers, which no one needs to read.
    expect(ruleWords(fieldRule(s, 'm'))).toBe('a whole number at least 0');
  });

  it('reads choices from enums and literal unions, and lists with their counts', () => {
    expect(choicesOf(fieldRule(TrainRequest, 'downsample'))).toEqual([8, 16]);
    expect(choicesOf(fieldRule(TrainRequest, 'loss'))).toEqual(['bce', 'mse']);
    expect(choicesOf(fieldRule(TrainRequest, 'epochs'))).toEqual([]);
    expect(ruleWords(fieldRule(TrainRequest, 'lambdas'))).toBe('1 to 8 numbers above 0 and at most 10, separated by commas');
    expect(listLimits(fieldRule(TrainRequest, 'layers'))).toEqual({ item: { min: 1, max: 16384, step: 1 }, maxItems: 8 });
    const codecs = z.object({ codecs: z.array(z.enum(['jpeg', 'webp'])).max(2) }).strict();
    expect(ruleWords(fieldRule(codecs, 'codecs'))).toBe('up to 2 of jpeg, webp, separated by commas');
  });

  it('carries the description and names a field the schema lacks', () => {
    expect(fieldRule(TrainRequest, 'epochs').description).toBe('passes over the training images');
    expect(Object.keys(fieldRules(TrainRequest))).toEqual(Object.keys(TrainRequest.shape));
    expect(() => fieldRule(TrainRequest, 'nope' as 'epochs')).toThrow("field-rules: the schema has no field 'nope'");
  });
});
