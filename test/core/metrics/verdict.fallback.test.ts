// A verdict on a dataset with no validation images (a hash split of a handful of photos) is measured
// on the test images, else the training images, and says which.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Studio } from '../../../src-main/core/studio.js';
import { measuredOn, verdictLine, verdictOfEvaluation } from '../../../src-main/core/metrics/verdict.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult } from '../../helpers/jobs.js';

const fixtures = path.resolve(__dirname, '../../fixtures');
/** Photos of landscapes-small whose hash split is not 'val' (checked below, so a changed split rule fails loudly). */
const NOT_VAL = ['beach0', 'canyon0', 'forest0'];

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('verdict on a dataset with no validation images', () => {
  it('falls back to the test images, then the training images, and the line says so', async () => {
    const imp = await studio.call('importPaths', {
      paths: NOT_VAL.map((n) => path.join(fixtures, 'landscapes-small', `${n}.jpg`)),
      dataset: 'few',
    });
    await jobResult(studio, 'import', imp.jobId);
    const ds = (await studio.call('listDatasets', {})).datasets.find((d) => d.name === 'few')!;
    expect(ds.splits.val).toBe(0);
    const request = { dataset: 'few', split: 'val' as const, codecs: ['jpeg' as const], classicalQualities: { jpeg: [30, 60] } };
    // Without the fallback the request is refused, as before.
    await expect(studio.call('evaluateModel', request)).rejects.toThrow(/dataset few has no val images to evaluate on/);
    const started = await studio.call('evaluateModel', { ...request, splitFallback: true });
    const ev = await jobResult(studio, 'eval', started.jobId);
    const expected = ds.splits.test > 0 ? 'test' : 'train';
    expect(ev.split).toBe(expected);
    expect(ev.images).toBe(ds.splits[expected]);
    expect(verdictLine(verdictOfEvaluation(ev, 'val'))).toContain(measuredOn(ev.images, expected, 'val'));
    // An evaluation that asked for no fallback claims none.
    expect(verdictOfEvaluation(ev).measuredOn).toBeUndefined();
  });

  it('words the images it was measured on', () => {
    expect(measuredOn(2, 'test')).toBe('measured on 2 test images: the dataset has no validation images');
    expect(measuredOn(12, 'val')).toBe('measured on 12 validation images');
    expect(measuredOn(1, 'train')).toMatch(/^measured on 1 training image: the dataset has no validation or test images/);
  });
});
