// A local batch on the generic job runner: pauseJob answers only once every pool worker has
// stopped; a crash of the pool (every worker ended at once, as a killed process would leave it)
// fails the job with the files written so far recorded, and resumeJob codes only the others,
// removing the half-written temporaries. Real worker threads, a real model, real files.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchCompressJob } from '../../../src-main/core/batch/queue.js';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import type { BatchProgress } from '../../../src-main/core/contract/batch.js';
import { jobRunner } from '../../../src-main/core/jobs/runner.js';
import { collectJobEvents, jobOutcome, jobResult, onJobProgress } from '../../helpers/jobs.js';
import { noiseImages, studioWithModel, type BatchFixture } from './helpers.js';

let fx: BatchFixture;

beforeAll(async () => {
  fx = await studioWithModel('crash-model');
});

afterAll(async () => {
  await fx?.close();
});

const until = async (ok: () => boolean, what: string) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('batch job on the runner', () => {
  it('pauseJob answers once every pool worker has stopped; nothing is coded until resumeJob', async () => {
    const src = await noiseImages(path.join(fx.tmp.dir, 'pause-in'), 24, 320, 240);
    const progress = collectJobEvents(fx.studio, 'batch.compress', 'progress');
    const states: string[] = [];
    const offState = fx.studio.on('jobState', (s) => states.push(s.state));
    const { jobId } = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [path.dirname(src[0]!)],
      outDir: path.join(fx.tmp.dir, 'pause-out'),
      modelId: fx.model.id,
      workers: 2,
    });
    await until(() => progress.events.some((e) => e.done >= 2), 'two files');
    expect(await fx.studio.call('pauseJob', { jobId })).toEqual({ jobId, state: 'paused' });
    expect(states.at(-1)).toBe('paused');
    const atPause = progress.events.filter((e) => e.currentFile).length;
    expect((await fx.studio.call('listJobs', { jobId })).jobs[0]!.state).toBe('paused');
    expect(await fx.studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'batch.compress', state: 'running' });
    // A file coded by a worker that had not stopped would have been reported before its 'resumed'.
    expect(progress.events.filter((e) => e.currentFile).length).toBe(atPause);
    const s = await jobResult(fx.studio, 'batch.compress', jobId);
    progress.off();
    offState();
    expect(s).toMatchObject({ state: 'done', done: src.length, failed: [], workers: 2 });
  }, 120_000);

  it('a crashed pool fails the job; resumeJob codes only the files it had not recorded', async () => {
    const src = await noiseImages(path.join(fx.tmp.dir, 'crash-in'), 16, 320, 240);
    const out = path.join(fx.tmp.dir, 'crash-out');
    let crash: Promise<void> | undefined;
    const off = onJobProgress(fx.studio, 'batch.compress', (p, jobId) => {
      if (!crash && p.done >= 3) crash = jobRunner(fx.studio.context).terminate(batchCompressJob, jobId);
    });
    const { jobId } = await fx.studio.call('startBatch', {
      kind: 'compress',
      inputs: [path.dirname(src[0]!)],
      outDir: out,
      modelId: fx.model.id,
      workers: 2,
    });
    const crashed = await jobOutcome(fx.studio, 'batch.compress', jobId);
    off();
    await crash;
    expect(crashed).toMatchObject({ state: 'failed', error: expect.stringMatching(/workers ended at once/) });
    // A batch's awaitJob always carries its summary: the files recorded before the crash.
    const kept = crashed.result!.files;
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(src.length);
    expect(crashed.result!.failed).toEqual([]);
    const inodes = new Map(kept.map((f) => [f.output, statSync(f.output).ino]));

    const after: BatchProgress[] = [];
    const off2 = onJobProgress(fx.studio, 'batch.compress', (p) => after.push(p));
    expect(await fx.studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'batch.compress', state: 'running' });
    const s = await jobResult(fx.studio, 'batch.compress', jobId);
    off2();
    expect(s).toMatchObject({ state: 'done', done: src.length, failed: [], skipped: [] });
    expect(s.files).toHaveLength(src.length);
    // The recorded files were not coded again; only the others were.
    for (const [file, ino] of inodes) expect(statSync(file).ino).toBe(ino);
    const coded = new Set(after.flatMap((p) => (p.currentFile ? [p.currentFile] : [])));
    expect(coded.size).toBe(src.length - kept.length);
    for (const f of kept) expect(coded.has(f.input)).toBe(false);
    expect(readdirSync(out).filter((n) => !n.endsWith('.latent'))).toEqual([]);
    expect(getCatalog(fx.studio.context).jobs.items(jobId)).toHaveLength(src.length);
  }, 120_000);

  it('cancelJob of a queued batch ends it with its summary event; resumeJob runs it after the running one', async () => {
    const src = await noiseImages(path.join(fx.tmp.dir, 'queued-in'), 6, 200, 200);
    const dir = path.dirname(src[0]!);
    const finished = collectJobEvents(fx.studio, 'batch.compress', 'finished');
    const request = { kind: 'compress' as const, inputs: [dir], modelId: fx.model.id, workers: 1 };
    const a = await fx.studio.call('startBatch', { ...request, outDir: path.join(fx.tmp.dir, 'qa') });
    const b = await fx.studio.call('startBatch', { ...request, outDir: path.join(fx.tmp.dir, 'qb') });
    expect([a.state, b.state]).toEqual(['running', 'queued']);
    expect(await fx.studio.call('cancelJob', { jobId: b.jobId })).toEqual({ jobId: b.jobId, cancelled: true, state: 'cancelled' });
    expect(finished.events.filter((f) => f.jobId === b.jobId)).toEqual([expect.objectContaining({ state: 'cancelled', written: 0 })]);
    expect(await fx.studio.call('resumeJob', { jobId: b.jobId })).toMatchObject({ state: 'queued' });
    const [sa, sb] = await Promise.all([jobResult(fx.studio, 'batch.compress', a.jobId), jobResult(fx.studio, 'batch.compress', b.jobId)]);
    finished.off();
    expect([sa.state, sb.state]).toEqual(['done', 'done']);
    expect(sb.files).toHaveLength(6);
  }, 120_000);
});
