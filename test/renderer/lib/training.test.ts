import { describe, expect, test, vi } from 'vitest';
import type { TrainFinishedPayload, TrainProgressPayload, TrainResult } from '../../../src-main/core/contract/engine';
import type { EvalProgress, EvaluationResult } from '../../../src-main/core/contract/eval';
import { TrainingSession } from '../../../src-renderer/src/lib/training.svelte';
import { deferred, FakeStudio } from '../fake-studio';
import { jobEvents, jobInfo, listJobsFrom } from '../job-events';

const epoch = (jobId: number, n: number): TrainProgressPayload => ({
  jobId,
  kind: 'epoch',
  epoch: n,
  epochs: 5,
  loss: 0.1,
  valLoss: 0.12,
  valPsnr: 24,
  samplesPerSecond: 50,
  seconds: 3,
  learningRate: 1e-3,
  etaSeconds: 9,
  reconstructions: [{ original: 'AAA', reconstruction: 'BBB' }],
});
const result: TrainResult = {
  model: 'm1',
  name: 'digits',
  arch: 'dense',
  backend: 'wasm',
  backendReason: 'test',
  epochs: 5,
  loss: 0.1,
  valLoss: 0.12,
  valPsnr: 24,
  seconds: 15,
  samplesPerSecond: 50,
  stoppedEarly: false,
  seed: 1,
  codeRange: { min: 0, max: 1 },
  codeValues: 32,
};
const evalStep = (jobId: number, done: number): EvalProgress => ({
  jobId,
  done,
  total: 4,
  imagesDone: 1,
  images: 2,
  path: '/v/a.png',
  codec: 'jpeg',
  quality: 50,
});

describe('TrainingSession', () => {
  test('shows a training on the host that ended before trainOnHost answered', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    const answer = deferred<{ jobId: number }>();
    fake.handle('trainOnHost', () => answer.promise);
    const training = new TrainingSession(fake.client);

    const starting = training.start({ dataset: 'digits', epochs: 5 }, 'http://host:7000');
    expect(training.status).toBe('starting');
    events.progress('train.remote', 4, {
      kind: 'host',
      jobId: 4,
      host: 'http://host:7000',
      phase: 'checking',
      done: 0,
      total: 12,
      bytes: 0,
    });
    const refused: TrainFinishedPayload = { jobId: 4, ok: false, error: 'the training host refused the token', cancelled: false };
    events.finished('train.remote', 4, 'failed', refused);
    answer.resolve({ jobId: 4 });
    await starting;

    expect(training.jobId).toBe(4);
    expect(training.status).toBe('failed');
    expect(training.error).toBe('the training host refused the token');
    expect(training.hostChecked).toBe(12);
    expect(training.endedAt).not.toBeNull();
  });

  test('follows a training on the host after a reload, from where it is', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle(
      'listJobs',
      listJobsFrom([
        jobInfo({ id: 2, kind: 'train', state: 'done', done: 5, total: 5 }),
        jobInfo({
          id: 6,
          kind: 'train.remote',
          state: 'running',
          done: 2,
          total: 5,
          input: { request: { dataset: 'digits', epochs: 5 }, host: 'http://host:7000' },
        }),
      ]),
    );
    const training = new TrainingSession(fake.client);

    await training.attach();

    expect(training.jobId).toBe(6);
    expect(training.reattached).toBe(true);
    expect(training.status).toBe('running');
    expect(training.request).toEqual({ dataset: 'digits', epochs: 5 });
    expect(training.host).toBe('http://host:7000');
    expect([training.epoch, training.epochs]).toEqual([2, 5]);
    events.progress('train.remote', 6, epoch(6, 3));
    expect(training.history.map((h) => h.epoch)).toEqual([3]);
    expect(training.strip).toEqual([{ original: 'data:image/png;base64,AAA', reconstruction: 'data:image/png;base64,BBB' }]);
    // Its progress says the host trains now (the phases before were not seen).
    expect(training.hostPhase?.phase).toBe('training');
  });

  test('moves its progress with every batch of the first epoch, before any epoch has ended', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle('trainModel', () => ({ jobId: 3 }));
    const training = new TrainingSession(fake.client);
    await training.start({ dataset: 'digits', arch: 'dense', epochs: 4 });
    expect(training.progressAt(Date.now())).toBeNull();
    const batch = (n: number, fraction: number): TrainProgressPayload => ({
      jobId: 3,
      kind: 'batch',
      epoch: 1,
      batch: n,
      loss: 0.2,
      samplesPerSecond: 40,
      etaSeconds: 30,
      fraction,
    });
    events.progress('train', 3, batch(1, 0.05));
    expect(training.epoch).toBe(0);
    expect(training.progressAt(Date.now())).toBe(0.05);
    events.progress('train', 3, batch(5, 0.125));
    expect(training.epoch).toBe(0);
    expect(training.progressAt(Date.now())).toBe(0.125);
  });

  test('pauses, resumes and cancels through the generic job methods, paused once the trainer says so', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle('trainModel', () => ({ jobId: 9 }));
    const pauseAnswer = deferred<{ jobId: number; state: 'paused' }>();
    fake.handle('pauseJob', () => pauseAnswer.promise);
    fake.handle('resumeJob', ({ jobId }) => ({ jobId, kind: 'train', state: 'running' }));
    fake.handle('cancelJob', ({ jobId }) => ({ jobId, cancelled: true, state: 'running' }));
    const training = new TrainingSession(fake.client);
    await training.start({ dataset: 'digits', epochs: 5 });
    events.progress('train', 9, epoch(9, 1));
    expect(training.status).toBe('running');

    const pausing = training.pause();
    expect(training.status).toBe('running');
    events.state('train', 9, 'paused');
    expect(training.status).toBe('paused');
    pauseAnswer.resolve({ jobId: 9, state: 'paused' });
    await pausing;
    await training.resume();
    expect(training.status).toBe('running');
    await training.cancel();
    events.finished('train', 9, 'cancelled', { jobId: 9, ok: false, error: 'cancelled', cancelled: true });
    expect(training.status).toBe('cancelled');
    expect(training.error).toBeNull();

    expect(fake.calls.map((c) => c.method)).toEqual(['trainModel', 'pauseJob', 'resumeJob', 'cancelJob']);
  });

  test('measures the verdict with its own evaluation job, and says why there is none', async () => {
    const fake = new FakeStudio();
    const events = jobEvents(fake);
    fake.handle('trainModel', () => ({ jobId: 3 }));
    fake.handle('evaluateModel', () => ({ jobId: 20, total: 4 }));
    const evaluation = deferred<EvaluationResult>();
    events.awaits('eval', () => evaluation.promise);
    const training = new TrainingSession(fake.client);
    await training.start({ dataset: 'digits', epochs: 5 });

    events.finished('train', 3, 'done', { jobId: 3, ok: true, result });
    expect(training.status).toBe('done');
    expect(training.result).toEqual(result);
    expect(training.verdictState).toBe('measuring');
    await events.waited('eval');
    expect(fake.callsOf('evaluateModel')[0]).toMatchObject({ model: 'm1', dataset: 'digits' });
    // Progress of another evaluation is not the verdict's.
    events.progress('eval', 21, evalStep(21, 3));
    events.progress('eval', 20, evalStep(20, 1));
    expect(training.verdictProgress).toEqual({ done: 1, total: 4 });
    evaluation.reject(new Error('no validation images to measure'));
    await vi.waitFor(() => expect(training.verdictState).toBe('none'));
    expect(training.verdictNote).toBe('no validation images to measure');
  });

  test('waits for the result through the job feed', async () => {
    const fake = new FakeStudio();
    fake.handle('trainModel', () => ({ jobId: 5 }));
    jobEvents(fake).awaits('train', () => result);
    const training = new TrainingSession(fake.client);
    await expect(training.wait()).rejects.toThrow('training did not start');
    await training.start({ dataset: 'digits', epochs: 5 });
    await expect(training.wait()).resolves.toEqual(result);
  });
});
