// An import that ends with images refused for their size offers the limit that lets them in
// ("Largest image"), once, when it ends; a higher limit already set stays.
import { describe, expect, test } from 'vitest';
import type { ImportSummary } from '../../../src-main/core/api';
import { RAISE_PIXEL_LIMIT } from '../../../src-main/core/contract/limits';
import { ImportSession } from '../../../src-renderer/src/lib/import-session.svelte';
import { FakeStudio } from '../fake-studio';
import { jobEvents } from '../job-events';

// The core's words (imaging/pixel-limit.ts) for a 48-megapixel photo over a 40-megapixel limit.
const tooBig = `/p/big.jpg: 8000x6000 is 48.0 megapixels, over the limit of 40.0 megapixels (about 30 bytes of memory per pixel; ${RAISE_PIXEL_LIMIT})`;

function importing(limitBefore?: number) {
  const fake = new FakeStudio();
  fake.handle('importPaths', (r) => ({ jobId: 1, datasetId: 4, dataset: r.dataset }));
  const end: ImportSummary = {
    jobId: 1,
    dataset: 'photos',
    datasetId: 4,
    state: 'done',
    total: 2,
    added: 1,
    skipped: 0,
    failed: [{ path: '/p/big.jpg', error: tooBig }],
  };
  jobEvents(fake).awaits('import', () => end);
  const session = new ImportSession(fake.client);
  if (limitBefore !== undefined) session.maxMegapixels = limitBefore;
  return session;
}

describe('ImportSession limit offer', () => {
  test('raises "Largest image" to what the refused image needs when the import ends', async () => {
    const session = importing();
    expect(session.maxMegapixels).toBe(40);
    await session.importPaths(['/p'], 'photos');
    expect(session.overLimit).toHaveLength(1);
    expect(session.maxMegapixels).toBe(48);
    // The user may still lower it before importing again: nothing raises it back meanwhile.
    session.maxMegapixels = 45;
    expect(session.maxMegapixels).toBe(45);
  });

  test('keeps a higher limit the user had set', async () => {
    const session = importing(60);
    await session.importPaths(['/p'], 'photos');
    expect(session.maxMegapixels).toBe(60);
  });
});
