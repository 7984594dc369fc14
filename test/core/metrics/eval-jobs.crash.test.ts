// An evaluation on the generic job runner whose sweep worker crashes (ended at once, as a killed
// thread would): the job fails, the images measured before the crash stay recorded, and resumeJob
// measures only the others. Real sharp encoders, a real worker thread, a real catalog file.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import type { EvalProgress } from '../../../src-main/core/contract/eval.js';
import { jobRunner } from '../../../src-main/core/jobs/runner.js';
import { evalJob } from '../../../src-main/core/metrics/eval-jobs.js';
import { Studio } from '../../../src-main/core/studio.js';
import { fixtureFiles } from '../../helpers/engine-fixtures.js';
import { jobOutcome, jobResult, onJobProgress } from '../../helpers/jobs.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const photos = fixtureFiles('landscapes-small');
let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;

beforeAll(() => {
  tmp = makeTmpDir('ls-eval-crash-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('evaluation job, crashed worker', () => {
  it('fails, keeps the images measured before the crash, and resumeJob measures only the rest', async () => {
    expect(photos.length).toBeGreaterThanOrEqual(5);
    let jobId = 0;
    let crash: Promise<void> | undefined;
    const before: EvalProgress[] = [];
    const off = onJobProgress(studio, 'eval', (p) => {
      before.push(p);
      // The first image is recorded (its result came before this step of the second): end the thread now.
      if (!crash && p.imagesDone >= 1) crash = jobRunner(studio.context).terminate(evalJob, p.jobId);
    });
    ({ jobId } = await studio.call('evaluateModel', { paths: photos, codecs: ['jpeg'], classicalQualities: { jpeg: [30, 70] } }));
    const crashed = await jobOutcome(studio, 'eval', jobId);
    off();
    await crash;
    expect(crashed).toMatchObject({ jobId, kind: 'eval', state: 'failed', error: expect.stringMatching(/exited with code/) });
    expect(crashed.result).toBeUndefined();
    const catalog = getCatalog(studio.context);
    const kept = [...catalog.jobs.finishedKeys(jobId)];
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(photos.length);
    expect(catalog.evaluations.list()).toEqual([]);
    expect((await studio.call('listJobs', { jobId })).jobs[0]).toMatchObject({ state: 'failed', resumable: true });

    const after: EvalProgress[] = [];
    const off2 = onJobProgress(studio, 'eval', (p) => after.push(p));
    expect(await studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'eval', state: 'running' });
    const ev = await jobResult(studio, 'eval', jobId);
    off2();
    expect(ev.images).toBe(photos.length);
    expect(ev.perImage.map((i) => i.path)).toEqual(photos);
    // Only the images the first run had not recorded were encoded again (two qualities each).
    expect(new Set(after.map((p) => p.path))).toEqual(new Set(photos.filter((p) => !kept.includes(p))));
    expect(after.length).toBe((photos.length - kept.length) * 2);
    expect(catalog.jobs.require(jobId)).toMatchObject({ state: 'done', done: photos.length });
  }, 60_000);

  it('cancelJob stops it after the image in progress and resumeJob finishes it', async () => {
    let cancel: Promise<unknown> | undefined;
    const off = onJobProgress(studio, 'eval', (p) => {
      if (!cancel && p.imagesDone >= 1) cancel = studio.call('cancelJob', { jobId: p.jobId });
    });
    const { jobId } = await studio.call('evaluateModel', { paths: photos, codecs: ['jpeg'], classicalQualities: { jpeg: [40] } });
    expect(await jobOutcome(studio, 'eval', jobId)).toMatchObject({ state: 'cancelled', error: 'cancelled' });
    off();
    expect(await cancel).toMatchObject({ jobId, cancelled: true });
    const kept = getCatalog(studio.context).jobs.finishedKeys(jobId).size;
    expect(kept).toBeLessThan(photos.length);
    expect(await studio.call('resumeJob', { jobId })).toMatchObject({ kind: 'eval', state: 'running' });
    expect((await jobResult(studio, 'eval', jobId)).images).toBe(photos.length);
    // awaitJob of the ended job answers at once from the catalog, with the stored evaluation.
    expect(await jobOutcome(studio, 'eval', jobId)).toMatchObject({ state: 'done', result: { images: photos.length } });
  }, 60_000);
});
