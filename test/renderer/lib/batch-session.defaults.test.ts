// The Batch form's defaults follow the catalog and the settings until the user sets a field: the
// newest model, the studio's "Largest image", and "Run on workers" only while a queue is saved.
import { describe, expect, test } from 'vitest';
import type { StudioSettings } from '../../../src-main/core/api';
import { DEFAULT_MAX_PIXELS } from '../../../src-main/core/contract/limits';
import { BatchSession } from '../../../src-renderer/src/lib/batch-session.svelte';
import { FakeStudio } from '../fake-studio';

function withDefaults() {
  const fake = new FakeStudio();
  fake.handle('startBatch', () => ({ jobId: 1, kind: 'compress', state: 'running', resumed: false }));
  fake.handle('startQueueBatch', () => ({ jobId: 2, kind: 'compress', state: 'running', resumed: false }));
  const world = {
    models: [] as { id: string }[],
    settings: null as Pick<StudioSettings, 'queue' | 'maxPixels'> | null,
  };
  const batch = new BatchSession(fake.client, { models: () => world.models, settings: () => world.settings });
  batch.setInput({ paths: ['/photos'], folder: '/photos', label: 'photos', count: 3 });
  return { fake, world, batch };
}

describe('BatchSession defaults', () => {
  test('compresses with the newest model until one is chosen', async () => {
    const { fake, world, batch } = withDefaults();
    expect(batch.modelId).toBe('');
    world.models = [{ id: 'newest' }, { id: 'older' }];
    expect(batch.modelId).toBe('newest');
    await batch.start();
    batch.modelId = 'older';
    world.models = [{ id: 'trained-since' }, ...world.models];
    expect(batch.modelId).toBe('older');
    await batch.start();
    expect(fake.callsOf('startBatch').map((r) => r.modelId)).toEqual(['newest', 'older']);
  });

  test('"Largest image" is the saved setting until typed, also once emptied', async () => {
    const { fake, world, batch } = withDefaults();
    expect(batch.maxMegapixels).toBe(DEFAULT_MAX_PIXELS / 1e6);
    world.settings = { queue: null, maxPixels: 100_000_000 };
    expect(batch.maxMegapixels).toBe(100);
    batch.modelId = 'm1';
    await batch.start();
    batch.maxMegapixels = 12;
    world.settings = { queue: null, maxPixels: 200_000_000 };
    expect(batch.maxMegapixels).toBe(12);
    await batch.start();
    expect(fake.callsOf('startBatch').map((r) => r.maxPixels)).toEqual([100_000_000, 12_000_000]);
  });

  test('runs on the workers only while a queue is saved', async () => {
    const { fake, world, batch } = withDefaults();
    batch.modelId = 'm1';
    world.settings = { queue: { shown: 'redis://q:6379' }, maxPixels: DEFAULT_MAX_PIXELS };
    batch.onWorkers = true;
    expect(batch.onWorkers).toBe(true);
    // Forgetting the queue takes the option away: the batch runs on this studio's threads.
    world.settings = { queue: null, maxPixels: DEFAULT_MAX_PIXELS };
    expect(batch.onWorkers).toBe(false);
    await batch.start();
    expect(fake.callsOf('startBatch')).toHaveLength(1);
    expect(fake.callsOf('startQueueBatch')).toHaveLength(0);
    expect(batch.runsOnQueue).toBe(false);
  });
});
