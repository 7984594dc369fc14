// The Compare view's model: the one chosen (in the view or by a link), else the newest of the catalog.
import { describe, expect, test } from 'vitest';
import { CompareState } from '../../../src-renderer/src/lib/compare.svelte';
import { FakeStudio } from '../fake-studio';

describe('CompareState defaults', () => {
  test('compares the newest model until one is chosen, and keeps the choice', () => {
    const catalog = { models: [] as { id: string }[] };
    const compare = new CompareState(new FakeStudio().client, () => catalog.models);
    expect(compare.modelId).toBe('');
    catalog.models = [{ id: 'newest' }, { id: 'older' }];
    expect(compare.modelId).toBe('newest');
    compare.modelId = 'older';
    catalog.models = [{ id: 'trained-since' }, ...catalog.models];
    expect(compare.modelId).toBe('older');
  });
});
