// Contract fragment: the lifecycle every catalog job shares, whatever its kind (import, training,
// training on the host, batch, evaluation, code-size sweep). Each kind is started by its own
// method (importPaths, trainModel, trainOnHost, startBatch, startQueueBatch, evaluateModel,
// sweepCodeSizes); from then on one set of methods and events serves them all. Browser-safe.
import type { BatchFinished, BatchProgress, BatchSummary } from './batch.js';
import type { ImportProgress, ImportSummary, JobState } from './catalog.js';
import { JobRef } from './common.js';
import { event, method } from './define.js';
import type { TrainFinishedPayload, TrainProgressPayload, TrainResult } from './engine.js';
import type {
  CodeSizeFinished,
  CodeSizeProgress,
  CodeSizeSweepResult,
  EvalFinished,
  EvalProgress,
  EvaluationResult,
} from './eval.js';
import type { TrainHostProgress } from './remote.js';

/** The catalog's job kinds (the `kind` of listJobs' rows). */
export const JOB_KIND_NAMES = ['import', 'train', 'train.remote', 'batch.compress', 'batch.decompress', 'eval', 'eval.codesize'] as const;
export type JobKind = (typeof JOB_KIND_NAMES)[number];

/** States a job ends in. */
export type JobEndState = Extract<JobState, 'done' | 'failed' | 'cancelled' | 'interrupted'>;

/** A training on the host: the host's phases (before and after it trains), then the training's own progress. */
export type RemoteTrainProgress = TrainProgressPayload | ({ kind: 'host' } & TrainHostProgress);

/** Per kind: what its progress events carry, what its end event carries, what awaitJob returns when it is done. */
export interface JobKindPayloads {
  import: { progress: ImportProgress; finished: ImportSummary; result: ImportSummary };
  train: { progress: TrainProgressPayload; finished: TrainFinishedPayload; result: TrainResult };
  'train.remote': { progress: RemoteTrainProgress; finished: TrainFinishedPayload; result: TrainResult };
  'batch.compress': { progress: BatchProgress; finished: BatchFinished; result: BatchSummary };
  'batch.decompress': { progress: BatchProgress; finished: BatchFinished; result: BatchSummary };
  eval: { progress: EvalProgress; finished: EvalFinished; result: EvaluationResult };
  'eval.codesize': { progress: CodeSizeProgress; finished: CodeSizeFinished; result: CodeSizeSweepResult };
}

/** jobProgress: one more unit (file, batch, epoch, image, code size) or phase, discriminated on `kind`. */
export type JobProgressEvent = { [K in JobKind]: { jobId: number; kind: K; payload: JobKindPayloads[K]['progress'] } }[JobKind];

/** jobFinished: the job ended (done, failed, cancelled or interrupted), with its kind's end payload. */
export type JobFinishedEvent = { [K in JobKind]: { jobId: number; kind: K; payload: JobKindPayloads[K]['finished'] } }[JobKind];

/**
 * jobState: the job's state changed, as the work itself acknowledged it: 'running' once claimed
 * (or once a paused worker took up again), 'paused' only when the worker has stopped at its
 * checkpoint, 'queued' behind another job, then the end state (just before jobFinished).
 */
export interface JobStateEvent {
  jobId: number;
  kind: JobKind;
  state: JobState;
}

/**
 * What awaitJob answers when the job has ended. `result` is the kind's result: always there for
 * import and batch (their summary says what finished, whatever the end), only when `state` is
 * 'done' for the others, whose `error` then says why not.
 */
export type JobOutcome = {
  [K in JobKind]: { jobId: number; kind: K; state: JobEndState; result?: JobKindPayloads[K]['result']; error?: string };
}[JobKind];

export const jobMethods = {
  pauseJob: method<{ jobId: number; state: JobState }>()(
    JobRef,
    "Pause a running or queued job after the unit in progress; answers once the work has stopped ('paused'). Kinds that cannot pause (import, evaluation, code-size sweep, training on the host, a batch on the queue) answer unsupported; resumeJob continues it.",
  ),
  resumeJob: method<{ jobId: number; kind: string; state: JobState }>()(
    JobRef,
    'Continue a job of any kind (paused, queued, interrupted, cancelled or failed) where it stopped: finished units (files, epochs, images, code sizes) are not redone.',
  ),
  cancelJob: method<{ jobId: number; cancelled: boolean; state: JobState }>()(
    JobRef,
    'Stop a job of any kind after the units in progress; finished units stay and resumeJob continues it (a cancelled training job keeps no checkpoint: it starts over).',
  ),
  awaitJob: method<JobOutcome>()(
    JobRef,
    'Wait for a job of any kind to end (answered at once for one that has ended): its end state, its result, or why it has none.',
  ),
} as const;

export const jobEvents = {
  jobProgress: event<JobProgressEvent>("A job moved on: its kind's progress payload (file, batch, epoch, image, code size, phase)."),
  jobState: event<JobStateEvent>('A job changed state, as its work acknowledged it (paused only once the worker stopped).'),
  jobFinished: event<JobFinishedEvent>("A job ended: done, failed, cancelled or interrupted, with its kind's end payload."),
} as const;
