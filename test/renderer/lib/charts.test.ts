import { describe, expect, test } from 'vitest';
import type { CodeSizeRow, CodeSizeSweepResult, EvalProgress, EvaluationResult } from '../../../src-main/core/contract/eval';
import { ChartsState } from '../../../src-renderer/src/lib/charts.svelte';
import { deferred, FakeStudio } from '../fake-studio';
import { jobEvents, jobInfo, listJobsFrom } from '../job-events';

const evaluation = (id: number, dataset: string, images = 4): EvaluationResult => ({
  id,
  name: `model ${id}`,
  description: '',
  model: `m${id}`,
  dataset,
  split: 'test',
  createdAt: '2026-01-01T00:00:00.000Z',
  images,
  failed: [],
  curves: {},
  bdRate: {},
  perImage: [],
  seconds: 1,
});
const step = (jobId: number, done: number): EvalProgress => ({
  jobId,
  done,
  total: 8,
  imagesDone: 1,
  images: 4,
  path: '/t/a.png',
  codec: 'webp',
  quality: 40,
});
const row = (codeSize: number, evaluationId: number | null): CodeSizeRow => ({
  codeSize,
  model: null,
  curve: null,
  evaluationId,
  trainSeconds: null,
  epochs: null,
  valPsnr: null,
  modelBytes: null,
  decoderBytes: null,
  parameters: null,
  bdRatePsnr: {},
  bdRateMsssim: {},
  bdRate: {},
});

function studioWith(results: EvaluationResult[]): FakeStudio {
  const fake = new FakeStudio();
  fake.handle('listEvaluations', () => ({ evaluations: [] }));
  fake.handle('getEvaluation', ({ id }) => {
    const r = results.find((e) => e.id === id);
    if (!r) throw new Error(`evaluation ${id} not found`);
    return r;
  });
  return fake;
}

describe('ChartsState', () => {
  test('draws curves together only when measured on the same images', async () => {
    const charts = new ChartsState(studioWith([evaluation(1, 'digits'), evaluation(2, 'digits'), evaluation(3, 'photos')]).client);
    await charts.only(1);
    await charts.toggle(2, true);
    expect(charts.selected).toEqual([1, 2]);
    await charts.toggle(3, true);
    expect(charts.selected).toEqual([3]);
    expect(charts.notice).toContain(
      'model 3 was measured on other images (4 test images of photos) than model 1 (4 test images of digits)',
    );
  });

  test('runs an evaluation with the contract default codecs, shows its progress and draws its result first', async () => {
    const fake = studioWith([evaluation(1, 'digits')]);
    const events = jobEvents(fake);
    fake.handle('evaluateModel', () => ({ jobId: 30, total: 8 }));
    const result = deferred<EvaluationResult>();
    events.awaits('eval', () => result.promise);
    const charts = new ChartsState(fake.client);
    await charts.only(1);

    const running = charts.evaluate('m7', 'digits', 4);
    await events.waited('eval');
    expect(fake.callsOf('evaluateModel')).toEqual([{ model: 'm7', dataset: 'digits', split: 'test', maxImages: 4 }]);
    expect(charts.running).toBe(true);
    events.progress('eval', 30, step(30, 2));
    expect(charts.progress?.done).toBe(2);
    result.resolve(evaluation(7, 'digits'));
    await running;

    expect(charts.running).toBe(false);
    expect(charts.selected).toEqual([7, 1]);
  });

  test('follows an evaluation and a sweep still running after a reload', async () => {
    const fake = studioWith([evaluation(11, 'digits'), evaluation(12, 'digits')]);
    const events = jobEvents(fake);
    fake.handle(
      'listJobs',
      listJobsFrom([jobInfo({ id: 40, kind: 'eval', state: 'running' }), jobInfo({ id: 41, kind: 'eval.codesize', state: 'running' })]),
    );
    const evalEnd = deferred<EvaluationResult>();
    const sweepEnd = deferred<CodeSizeSweepResult>();
    events.awaits('eval', () => evalEnd.promise);
    events.awaits('eval.codesize', () => sweepEnd.promise);
    events.known('eval', 40);
    events.known('eval.codesize', 41);
    const charts = new ChartsState(fake.client);

    const attached = charts.attach();
    await Promise.all([events.waited('eval'), events.waited('eval.codesize')]);
    expect([charts.jobId, charts.sweepJobId]).toEqual([40, 41]);
    expect([charts.running, charts.sweepRunning]).toEqual([true, true]);
    events.progress('eval.codesize', 41, { jobId: 41, codeSize: 16, index: 1, count: 2, phase: 'eval', evalJobId: 40 });
    expect(charts.sweepProgress?.codeSize).toBe(16);
    expect(charts.sweepCancelLoses).toBe(
      'The model being trained or measured now is lost. The 1 of 2 code sizes finished so far are kept, and Resume in the Library continues from there.',
    );
    evalEnd.resolve(evaluation(12, 'digits'));
    sweepEnd.resolve({
      jobId: 41,
      dataset: 'digits',
      split: 'test',
      images: 4,
      rows: [row(8, 11), row(16, 12), row(32, null)],
      curves: {},
      seconds: 9,
    });
    await attached;

    expect(charts.sweep?.rows).toHaveLength(3);
    expect(charts.selected).toEqual([11, 12]);
    expect([charts.running, charts.sweepRunning]).toEqual([false, false]);
  });

  test('a reload with nothing running shows nothing running', async () => {
    const fake = studioWith([]);
    fake.handle('listJobs', listJobsFrom([jobInfo({ id: 40, kind: 'eval', state: 'done' })]));
    const charts = new ChartsState(fake.client);
    const attached = charts.attach();
    expect(charts.running).toBe(false);
    await attached;
    expect([charts.running, charts.jobId]).toEqual([false, null]);
  });

  test('says what cancelling a running evaluation costs: only the image in progress', async () => {
    const fake = studioWith([]);
    const events = jobEvents(fake);
    fake.handle('evaluateModel', () => ({ jobId: 31, total: 8 }));
    const result = deferred<EvaluationResult>();
    events.awaits('eval', () => result.promise);
    const charts = new ChartsState(fake.client);
    const running = charts.evaluate('m7', 'digits', 4);
    await events.waited('eval');
    events.progress('eval', 31, step(31, 2));
    expect(charts.cancelLoses).toBe(
      'The image being measured is lost. The 1 of 4 images measured so far are kept, and Resume in the Library continues from there; no curves are drawn until the evaluation finishes.',
    );
    result.resolve(evaluation(8, 'digits'));
    await running;
  });

  test('cancels the evaluation and the sweep through cancelJob', async () => {
    const fake = studioWith([]);
    const events = jobEvents(fake);
    fake.handle('evaluateModel', () => ({ jobId: events.known('eval', 50), total: 8 }));
    fake.handle('sweepCodeSizes', () => ({ jobId: events.known('eval.codesize', 51), total: 2 }));
    events.awaits('eval', () => new Promise<EvaluationResult>(() => {}));
    events.awaits('eval.codesize', () => new Promise<CodeSizeSweepResult>(() => {}));
    fake.handle('cancelJob', ({ jobId }) => ({ jobId, cancelled: true, state: 'running' }));
    const charts = new ChartsState(fake.client);
    void charts.evaluate('m1', 'digits', 4);
    void charts.sweepCodeSizes('digits', [8, 16], 2, 4);
    await Promise.all([events.waited('eval'), events.waited('eval.codesize')]);

    await charts.cancel();
    await charts.cancelSweep();

    expect(fake.callsOf('cancelJob')).toEqual([{ jobId: 50 }, { jobId: 51 }]);
    expect(fake.callsOf('sweepCodeSizes')).toEqual([{ dataset: 'digits', codeSizes: [8, 16], train: { epochs: 2 }, maxImages: 4 }]);
  });
});
