import { describe, expect, it } from 'vitest';
import { compareNames } from '../../../src-main/core/system/compare-names.js';

describe('compareNames', () => {
  it('orders names whatever their case and accents, digits by value', () => {
    const names = ['Zebra', 'shoot 10', 'beach', 'Écrins', 'alps', 'shoot 2', 'Coast'];
    expect([...names].sort(compareNames)).toEqual(['alps', 'beach', 'Coast', 'Écrins', 'shoot 2', 'shoot 10', 'Zebra']);
  });

  it('gives names equal but for case a fixed order, so a list never reshuffles', () => {
    expect(['alps', 'Alps'].sort(compareNames)).toEqual(['Alps', 'alps']);
    expect(['Alps', 'alps'].sort(compareNames)).toEqual(['Alps', 'alps']);
    expect(compareNames('same', 'same')).toBe(0);
  });
});
