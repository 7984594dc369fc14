// A code-size sweep on the generic job runner whose work crashes while its second model trains
// (the sweep and that training's worker end at once): the job fails with the first code size
// recorded, and resumeJob trains only the second. Tiny dense models really trained on the digits.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import type { CodeSizeProgress } from '../../../src-main/core/contract/eval.js';
import { jobRunner } from '../../../src-main/core/jobs/runner.js';
import { codeSizeJob } from '../../../src-main/core/metrics/code-size.js';
import { Studio } from '../../../src-main/core/studio.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { jobOutcome, jobResult, onJobProgress } from '../../helpers/jobs.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;

beforeAll(async () => {
  tmp = makeTmpDir('ls-codesize-crash-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  const { jobId } = await studio.call('importPaths', { paths: [path.join(FIXTURES, 'digits')], dataset: 'digits' });
  await jobResult(studio, 'import', jobId);
}, 60_000);

afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('code-size sweep, crashed work', () => {
  it('fails with the finished code size recorded; resumeJob trains only the other', async () => {
    const seen: CodeSizeProgress[] = [];
    let crash: Promise<void> | undefined;
    let crashedTrain: number | undefined;
    const off = onJobProgress(studio, 'eval.codesize', (p) => {
      seen.push(p);
      if (!crash && p.index === 1 && p.phase === 'train') {
        crashedTrain = p.trainJobId;
        crash = jobRunner(studio.context).terminate(codeSizeJob, p.jobId);
      }
    });
    const { jobId } = await studio.call('sweepCodeSizes', {
      dataset: 'digits',
      codeSizes: [4, 8],
      train: { arch: 'dense-prior', epochs: 30, seed: 3, layers: [32] },
      codecs: ['jpeg'],
      qualities: [20, 80],
      classicalQualities: { jpeg: [30, 80] },
      maxImages: 3,
    });
    const crashed = await jobOutcome(studio, 'eval.codesize', jobId);
    await crash;
    expect(crashed).toMatchObject({ state: 'failed', error: expect.stringMatching(/ended at once/) });
    // The training of the second code size ended with it, as a crashed worker.
    expect(crashedTrain).toBeDefined();
    expect(await jobOutcome(studio, 'train', crashedTrain!)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/exited with code/),
    });
    const catalog = getCatalog(studio.context);
    const recorded = catalog.jobs.items(jobId, 'done');
    expect(recorded.map((i) => i.key)).toEqual(['code 4']);
    expect((await studio.call('listJobs', { jobId })).jobs[0]).toMatchObject({ state: 'failed', done: 1, total: 2 });

    seen.length = 0;
    expect(await studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'eval.codesize', state: 'running' });
    const r = await jobResult(studio, 'eval.codesize', jobId);
    off();
    // Code size 4 came from its record; only 8 went through training and evaluation.
    expect(seen.map((p) => `${p.codeSize}:${p.phase}`)).toEqual(['4:done', '8:train', '8:eval', '8:done']);
    expect(r.rows.map((row) => row.codeSize)).toEqual([4, 8]);
    expect(r.rows[0]!.model).toBe((recorded[0]!.data as { row: { model: string } }).row.model);
    expect(r.rows.every((row) => row.model && !row.error)).toBe(true);
    expect(Object.keys(r.curves).sort()).toEqual(['jpeg', 'latent-4', 'latent-8']);
    expect(catalog.jobs.require(jobId)).toMatchObject({ state: 'done', done: 2 });
  }, 120_000);
});
