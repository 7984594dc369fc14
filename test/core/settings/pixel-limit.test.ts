// The studio's "Largest image" setting (settings.json maxPixels): the default limit of import,
// training and Compare when the request gives none. Small real images and a small limit stand in
// for a 48-megapixel photo and the 40-megapixel default: the same checks, the same words.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_PIXELS,
  MAX_PIXELS_STUDIO_SETTING,
  pixelLimitInStudio,
  RAISE_PIXEL_LIMIT,
} from '../../../src-main/core/contract/limits.js';
import { settingsFile } from '../../../src-main/core/settings/store.js';
import { Studio } from '../../../src-main/core/studio.js';
import { fixtureFiles } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult } from '../../helpers/jobs.js';

/** 180x90 landscapes: 16,200 pixels each. */
const PHOTOS = fixtureFiles('landscapes-small').slice(0, 2);
const PIXELS = 180 * 90;

describe("the 'Largest image' setting", () => {
  const tmp = makeTmpDir('ls-pxset-');
  let studio: Studio;
  beforeAll(() => {
    studio = new Studio({ homeDir: tmp.dir, host: 'test' });
  });
  afterAll(async () => {
    await studio.close();
    tmp.cleanup();
  });

  it('is kept in settings.json, bounded by memory, and forgotten with null', async () => {
    expect((await studio.call('getSettings', {})).maxPixels).toBe(DEFAULT_MAX_PIXELS);
    await expect(studio.call('updateSettings', { maxPixels: MAX_PIXELS_STUDIO_SETTING + 1 })).rejects.toThrow(/maxPixels/);
    expect((await studio.call('updateSettings', { maxPixels: 41_000_000 })).maxPixels).toBe(41_000_000);
    expect(JSON.parse(readFileSync(settingsFile(studio.home), 'utf8'))).toMatchObject({ maxPixels: 41_000_000 });
    expect((await studio.call('updateSettings', { maxPixels: null })).maxPixels).toBe(DEFAULT_MAX_PIXELS);
    expect(JSON.parse(readFileSync(settingsFile(studio.home), 'utf8'))).not.toHaveProperty('maxPixels');
  });

  it('import refuses over the saved limit with the words the studio rewrites, and takes the images once it is raised', async () => {
    await studio.call('updateSettings', { maxPixels: PIXELS - 1 });
    const refused = await studio.call('importPaths', { paths: PHOTOS, dataset: 'big' });
    const r = await jobResult(studio, 'import', refused.jobId);
    expect(r.added).toBe(0);
    const message = r.failed[0]!.error;
    expect(message).toBe(
      `${PHOTOS[0]}: 180x90 is ${PIXELS} pixels, over the limit of ${PIXELS - 1} pixels (about 30 bytes of memory per pixel; ${RAISE_PIXEL_LIMIT})`,
    );
    expect(pixelLimitInStudio(message)).toMatch(
      /over the limit of 16199 pixels \(about 30 bytes of memory per pixel; raise 'Largest image' in Settings\)$/,
    );

    await studio.call('updateSettings', { maxPixels: PIXELS });
    const taken = await studio.call('importPaths', { paths: PHOTOS, dataset: 'big' });
    expect((await jobResult(studio, 'import', taken.jobId)).added).toBe(2);
  }, 60_000);

  it('training refuses a dataset image over the saved limit before any work, and starts once it is raised', async () => {
    await studio.call('updateSettings', { maxPixels: PIXELS - 1 });
    await expect(studio.call('trainModel', { dataset: 'big', steps: 1 })).rejects.toThrow(
      /180x90 is 16200 pixels, over the limit of 16199 pixels \(about 30 bytes of memory per pixel; raise the limit with --max-pixels N\)/,
    );
    await studio.call('updateSettings', { maxPixels: PIXELS });
    const { jobId } = await studio.call('trainModel', { dataset: 'big', steps: 1 });
    await studio.call('cancelJob', { jobId });
  }, 60_000);

  it('Compare reads the original under the saved limit', async () => {
    await studio.call('updateSettings', { maxPixels: PIXELS - 1 });
    await expect(studio.call('compareAtEqualSize', { model: 'base-photo', imagePath: PHOTOS[0]!, codecs: ['jpeg'] })).rejects.toThrow(
      /over the limit of 16199 pixels/,
    );
  }, 60_000);
});
