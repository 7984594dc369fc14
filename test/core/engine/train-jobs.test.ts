// Training through the contract: a worker thread, progress events, the catalog, pause and cancel.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrainFinishedPayload, TrainProgressPayload } from '../../../src-main/core/contract/engine.js';
import { Studio } from '../../../src-main/core/studio.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult, onJobFinished, onJobProgress } from '../../helpers/jobs.js';
import { until } from '../../helpers/until.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;

beforeEach(async () => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: tmp.dir, host: 'test' });
  const { jobId } = await studio.call('importPaths', { paths: [path.join(FIXTURES, 'digits')], dataset: 'digits' });
  await jobResult(studio, 'import', jobId);
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('training jobs', () => {
  it('train in a worker, report progress per batch and epoch, register the model', async () => {
    const progress: TrainProgressPayload[] = [];
    const finished: TrainFinishedPayload[] = [];
    onJobProgress(studio, 'train', (p) => progress.push(p));
    onJobFinished(studio, 'train', (f) => finished.push(f));
    const { jobId } = await studio.call('trainModel', { dataset: 'digits', arch: 'dense-prior', epochs: 3, seed: 5, codeSize: 16 });
    const result = await jobResult(studio, 'train', jobId);
    expect(result).toMatchObject({ arch: 'dense-prior', epochs: 3, seed: 5, codeValues: 16 });
    expect(['wasm', 'tensorflow']).toContain(result.backend);
    expect(progress.filter((p) => p.kind === 'epoch')).toHaveLength(3);
    expect(progress.some((p) => p.kind === 'batch' && p.samplesPerSecond > 0)).toBe(true);
    // The progress measure moves from the first batch on (not at epoch ends), up to 1 at the last.
    const fractions = progress.flatMap((p) => (p.kind === 'batch' && p.fraction !== undefined ? [p.fraction] : []));
    const firstEpoch = progress.filter((p) => p.kind === 'batch' && p.epoch === 1);
    expect(firstEpoch.length).toBeGreaterThan(1);
    expect(firstEpoch[0]!.kind === 'batch' && firstEpoch[0]!.fraction).toBeGreaterThan(0);
    expect(fractions.length).toBe(progress.filter((p) => p.kind === 'batch').length);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThan(fractions[i - 1]!);
    expect(fractions.at(-1)).toBeCloseTo(1, 6);
    const steps = progress.flatMap((p) => (p.kind === 'batch' && p.step !== undefined ? [p.step] : []));
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    expect(finished).toEqual([{ jobId, ok: true, result }]);
    const { models } = await studio.call('listModels', {});
    expect(models.map((m) => m.id)).toContain(result.model);
    const detail = await studio.call('getModel', { id: result.model });
    expect(detail.runs[0]?.epochs.length).toBe(3);
    expect(detail.runs[0]?.state).toBe('done');
  });

  it('a cancel right after the start ends the job as cancelled without training a step', async () => {
    const batches: number[] = [];
    let jobId = 0;
    onJobProgress(studio, 'train', (q, id) => {
      if (id === jobId && q.kind === 'batch') batches.push(q.step ?? 0);
    });
    jobId = (await studio.call('trainModel', { dataset: 'digits', arch: 'dense', epochs: 50, batchSize: 8 })).jobId;
    await studio.call('cancelJob', { jobId });
    const outcome = await studio.call('awaitJob', { jobId });
    expect(outcome.state).toBe('cancelled');
    expect(batches).toEqual([]);
    expect((await studio.call('listModels', {})).models.filter((m) => !m.builtin)).toEqual([]);
  });

  it('pause holds the job; cancel ends it without saving a model', async () => {
    const epochs: number[] = [];
    let jobId = 0;
    let pausedAt = -1;
    onJobProgress(studio, 'train', (q, id) => {
      if (id === jobId && q.kind === 'batch') epochs.push(q.epoch);
    });
    jobId = (await studio.call('trainModel', { dataset: 'digits', arch: 'dense', epochs: 200, batchSize: 8 })).jobId;
    await until('three batches', () => epochs.length >= 3);
    // pauseJob answers once the worker has stopped (the batch in flight done): then nothing moves.
    expect(await studio.call('pauseJob', { jobId })).toEqual({ jobId, state: 'paused' });
    pausedAt = epochs.length;
    await studio.call('resumeJob', { jobId });
    // The worker's events keep their order: a batch trained while paused would have come before its 'resumed'.
    expect(epochs.length).toBe(pausedAt);
    await until('two batches after the resume', () => epochs.length >= pausedAt + 2);
    await studio.call('cancelJob', { jobId });
    expect(await studio.call('awaitJob', { jobId })).toMatchObject({ jobId, kind: 'train', state: 'cancelled' });
    expect((await studio.call('listModels', {})).models.filter((m) => !m.builtin)).toHaveLength(0);
  });

  it('names a missing dataset', async () => {
    await expect(studio.call('trainModel', { dataset: 'nope' })).rejects.toThrow("dataset 'nope' is not in the catalog");
  });
});
