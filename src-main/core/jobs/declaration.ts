// What a job kind declares, once: the schema of its stored input, how one run does its work
// (usually a worker task), how the end is recorded and what its events carry. The generic runner
// (runner.ts) does the rest of the lifecycle for every kind: claim, progress, pause acknowledged
// by the work, cancel, finish, resume after a crash.
//
// Who writes the catalog: the runner, in this studio's process, writes the job row (claim, state,
// total, end). A unit (a file, an epoch, an image, a code size) is recorded as a job item in the
// same transaction as the unit's own records, by whichever side writes those records: the
// worker for the kinds whose task owns a catalog connection (import, training), the declaration's
// run() in the host for the others. The job row itself is never written by a worker.
//
// A kind can have more than one declaration (a batch on the local pool or on a Redis queue): one
// is its default (registry/job-kinds.ts), a job runs on the one it was started with while it is
// live (JobRunner.declarationOf), and on its kind's default when it is resumed from the catalog.
import type { z } from 'zod';
import type { Catalog, JobRecord } from '../catalog/index.js';
import type { JobEndState, JobKind, JobKindPayloads } from '../contract/jobs.js';
import type { CoreContext } from '../context.js';

/** One run of a job's work, however it runs (a worker thread, a pool, requests to another studio). */
export interface JobWork<R> {
  readonly result: Promise<R>;
  /** Stop after the unit in progress (the result then rejects, or resolves with what was done). */
  cancel(): void;
  /** Resolves once the work has stopped at its checkpoint. Absent: this work cannot pause. */
  pause?(): Promise<void>;
  resume?(): Promise<void>;
  /** Ends the work at once, as a crash would (a stuck worker; tests of crash recovery). */
  terminate?(): Promise<void>;
}

/** What a run sees: the claimed job, its parsed input, and the kind's progress channel. */
export interface JobRun<K extends JobKind, I> {
  readonly ctx: CoreContext;
  readonly catalog: Catalog;
  readonly jobId: number;
  readonly kind: K;
  readonly input: I;
  /** The job as claimed for this run (startedAt says whether an earlier run began it). */
  readonly job: JobRecord;
  /** The job as it was before the claim (an earlier run's stored result, its first start). */
  readonly before: JobRecord;
  /** Emits jobProgress. */
  progress(payload: JobKindPayloads[K]['progress']): void;
  /** Whether the user cancelled (as opposed to the studio closing). */
  readonly stopping: () => 'cancel' | 'close' | undefined;
}

/** How the work ended, as the runner saw it. */
export type WorkEnd<R> = { ok: true; value: R } | { ok: false; state: Exclude<JobEndState, 'done'>; error: string };

/** How the declaration records the end: the job row's state, result and error, and the end event. */
export interface JobEnding<K extends JobKind> {
  state: JobEndState;
  /** Stored as the job row's result. */
  stored?: unknown;
  error?: string;
  finished: JobKindPayloads[K]['finished'];
  /** What awaitJob answers with. */
  result?: JobKindPayloads[K]['result'];
}

export interface JobDeclaration<K extends JobKind, I, R> {
  readonly kind: K;
  /** How messages name a job of this kind ("training", "import"). */
  readonly label: string;
  /** The job row's stored input, checked on every run (no casts). */
  readonly input: z.ZodType<I>;
  /** Jobs of the same group run one at a time here, the others wait 'queued' (batches). */
  readonly group?: string;
  /** Why a job of this kind cannot pause now (undefined: it can). Absent: the kind never pauses. */
  readonly pauseRefusal?: (ctx: CoreContext, jobId: number) => string | undefined;
  /** Claim options: the same work held by another live studio as another job. */
  readonly sameWork?: (input: I) => (other: JobRecord) => boolean;
  /** Starts the work of one run (the job is claimed). */
  run(run: JobRun<K, I>): JobWork<R>;
  /** Records the end: called once per run, also for a failure (then it must not throw). */
  end(run: JobRun<K, I>, end: WorkEnd<R>): JobEnding<K> | Promise<JobEnding<K>>;
  /** awaitJob of a job that ended before (or in another process): its result from the catalog. */
  stored(catalog: Catalog, job: JobRecord, input: I): JobKindPayloads[K]['result'] | undefined;
  /** A job cancelled while nothing of it runs: what goes with it (a training's checkpoint). */
  discard?(ctx: CoreContext, jobId: number): Promise<void>;
}

/** Any kind's declaration, as the registry and the runner hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is checked against its kind where it is declared
export type AnyJobDeclaration = JobDeclaration<JobKind, any, any>;

export function declareJob<K extends JobKind, I, R>(d: JobDeclaration<K, I, R>): JobDeclaration<K, I, R> {
  return d;
}
