import { describe, expect, it } from 'vitest';
import { SizedLru } from '../../../src-main/core/metrics/sized-lru.js';

describe('SizedLru', () => {
  it('drops the least recently used entries past its size or count, handing them to evict', () => {
    const evicted: string[] = [];
    const lru = new SizedLru<string, string>(10, 3, (v) => evicted.push(v));
    lru.set('a', 'A', 4);
    lru.set('b', 'B', 4);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 4); // 12 > 10: b goes
    expect(evicted).toEqual(['B']);
    expect(lru.get('b')).toBeUndefined();
    lru.set('d', 'D', 1);
    lru.set('e', 'E', 1); // 4 entries > 3: a goes (c, d, e stay)
    expect(evicted).toEqual(['B', 'A']);
    expect(lru.count).toBe(3);
    expect(lru.size).toBe(6);
  });

  it('keeps the newest entry even when it alone is over the bound; grow counts toward the next eviction', () => {
    const evicted: number[] = [];
    const lru = new SizedLru<string, number>(10, 5, (v) => evicted.push(v));
    lru.set('x', 1, 3);
    lru.set('big', 2, 50);
    expect(evicted).toEqual([1]);
    expect(lru.get('big')).toBe(2);
    lru.grow('big', 5);
    expect(lru.size).toBe(55);
    lru.set('y', 3, 1);
    expect(evicted).toEqual([1, 2]);
    lru.clear();
    expect(evicted).toEqual([1, 2, 3]);
    expect(lru.size).toBe(0);
  });
});
