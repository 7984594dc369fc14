// The queue outlives the studio: closing it leaves the running job 'interrupted' and the queued
// one 'queued' in the catalog; a new studio on the same home restores the queue and resumes the
// interrupted job without redoing its finished files.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { restoreQueuedJobs } from '../../../src-main/core/registry/job-kinds.js';
import { Studio } from '../../../src-main/core/studio.js';
import { collectJobEvents, jobResult } from '../../helpers/jobs.js';
import { until } from '../../helpers/until.js';
import { noiseImages, studioWithModel, type BatchFixture } from './helpers.js';

let fx: BatchFixture;

beforeAll(async () => {
  fx = await studioWithModel('restart-model');
});

afterAll(async () => {
  await fx?.close();
});

describe('queue across a restart', () => {
  it('restores queued jobs and resumes the interrupted one', async () => {
    const dir = path.dirname((await noiseImages(path.join(fx.tmp.dir, 'in'), 16, 320, 240))[0]!);
    const outA = path.join(fx.tmp.dir, 'a');
    const outB = path.join(fx.tmp.dir, 'b');
    const progress = collectJobEvents(fx.studio, 'batch.compress', 'progress');
    const a = await fx.studio.call('startBatch', { kind: 'compress', inputs: [dir], outDir: outA, modelId: fx.model.id, workers: 1 });
    const b = await fx.studio.call('startBatch', { kind: 'compress', inputs: [dir], outDir: outB, modelId: fx.model.id, workers: 1 });
    expect(b.state).toBe('queued');
    await until('two files of the first batch', () => progress.events.some((e) => e.jobId === a.jobId && e.done >= 2));
    progress.off();
    await fx.studio.close();

    const home = fx.studio.home.root;
    const second = new Studio({ homeDir: home, host: 'test' });
    fx.studio = second;
    const { jobs } = await second.call('listJobs', {});
    const byId = new Map(jobs.map((j) => [j.id, j]));
    expect(byId.get(a.jobId)).toMatchObject({ state: 'interrupted', resumable: true });
    expect(byId.get(b.jobId)).toMatchObject({ state: 'queued' });
    const doneBefore = byId.get(a.jobId)!.done;
    expect(doneBefore).toBeGreaterThanOrEqual(2);
    expect(doneBefore).toBeLessThan(16);
    const kept = new Map(
      readdirSync(outA)
        .filter((n) => n.endsWith('.latent'))
        .map((n) => [n, statSync(path.join(outA, n)).ino]),
    );

    expect(await restoreQueuedJobs(second.context)).toEqual([b.jobId]);
    const resumed = await second.call('resumeJob', { jobId: a.jobId });
    expect(resumed.state).toBe('queued'); // behind the restored job
    const [sb, sa] = await Promise.all([jobResult(second, 'batch.compress', b.jobId), jobResult(second, 'batch.compress', a.jobId)]);
    expect(sb).toMatchObject({ state: 'done', done: 16, failed: [] });
    expect(sa).toMatchObject({ state: 'done', done: 16, failed: [], skipped: [] });
    for (const [name, ino] of kept) expect(statSync(path.join(outA, name)).ino).toBe(ino);
    expect(readdirSync(outA).filter((n) => n.endsWith('.latent'))).toHaveLength(16);
    expect(getCatalog(second.context).jobs.items(a.jobId)).toHaveLength(16);
  });
});
