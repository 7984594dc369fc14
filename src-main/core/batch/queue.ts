// The studio's queue of batch jobs (compress or decompress files and folders), persisted in the
// catalog's jobs table: one job runs at a time with the whole worker pool, the others wait as
// 'queued'. Jobs move queued -> running <-> paused -> done | failed | cancelled; a job whose
// process died is 'interrupted' (the catalog marks it when it is next opened) and resumes where
// it stopped. Queued jobs outlive the process: restore() picks them up at the next start.
import { getCatalog, type Catalog, type JobRecord } from '../catalog/index.js';
import { isRowOwnerAlive } from '../system/process-alive.js';
import { heldElsewhere, isHeldElsewhere } from '../catalog/repos/jobs.js';
import type { BatchRequest, BatchStarted, BatchSummary } from '../contract/batch.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import {
  BATCH_JOB_KINDS,
  batchInputOf,
  isBatchJobKind,
  normalizeRequest,
  outputKey,
  storedOutputKey,
  type BatchJobInput,
} from './job-input.js';
import { findUnfinished, notInCatalog } from './job-record.js';
import { emitBatchFinished, emitBatchState } from './job-events.js';
import { BatchRun } from './run-job.js';
import { batchSummary, finishedEvent } from './summary.js';

interface Waiter {
  promise: Promise<BatchSummary>;
  resolve(s: BatchSummary): void;
  reject(err: unknown): void;
}

export class BatchQueue {
  private readonly catalog: Catalog;
  private readonly pending: number[] = [];
  private active: BatchRun | undefined;
  private activeEnd: Promise<void> | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private closing = false;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives the queue when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
  }

  /** Queues a batch job (running it at once when the queue is idle), or continues the same unfinished one. */
  start(req: BatchRequest): BatchStarted {
    const input = normalizeRequest(req);
    this.check(input);
    // The same outputs held by another live studio on this home: running them twice only races
    // for the same files, so say so (fresh or not) instead of starting a duplicate.
    const live = this.findHeldElsewhere(input);
    if (live) throw new StudioError('conflict', heldElsewhere(live));
    if (!req.fresh) {
      const prior = findUnfinished(this.catalog, input);
      if (prior) return { ...this.resume(prior.id), resumed: true };
    }
    const job = this.catalog.jobs.create({ kind: BATCH_JOB_KINDS[input.kind], input });
    this.enqueue(job.id);
    return { jobId: job.id, kind: input.kind, state: this.stateOf(job.id), resumed: false };
  }

  /** Continues a paused, interrupted, cancelled or failed job; finished files are not redone. */
  resume(jobId: number): BatchStarted {
    const job = this.catalog.jobs.require(jobId);
    const input = batchInputOf(job);
    const started = (state: JobState): BatchStarted => ({ jobId, kind: input.kind, state, resumed: false });
    if (this.active?.jobId === jobId) {
      void this.active.resume();
      return started('running');
    }
    if (this.pending.includes(jobId)) return started('queued');
    if (job.state === 'done') throw new StudioError('conflict', `job ${jobId} is already done`);
    if (isHeldElsewhere(job)) throw new StudioError('conflict', heldElsewhere(job));
    this.catalog.jobs.setState(jobId, 'queued');
    this.enqueue(jobId);
    return started(this.stateOf(jobId));
  }

  /** Resolves once the job has stopped (every worker at its checkpoint) or left the queue. */
  async pause(jobId: number): Promise<{ jobId: number; state: JobState }> {
    const job = this.catalog.jobs.require(jobId);
    const input = batchInputOf(job);
    if (this.active?.jobId === jobId) {
      await this.active.pause();
      return { jobId, state: this.stateOf(jobId) };
    }
    const at = this.pending.indexOf(jobId);
    if (at >= 0 || job.state === 'queued') {
      if (at >= 0) this.pending.splice(at, 1);
      this.catalog.jobs.setState(jobId, 'paused');
      emitBatchState(this.ctx, jobId, input.kind, 'paused');
      this.waiters.get(jobId)?.resolve(this.summary(jobId));
      this.waiters.delete(jobId);
      return { jobId, state: 'paused' };
    }
    throw new StudioError('conflict', `job ${jobId} is ${job.state} here, not running or queued`);
  }

  /** Stops a job after the files in progress; it stays resumable. */
  cancel(jobId: number): { jobId: number; cancelled: boolean; state: JobState } {
    const job = this.catalog.jobs.require(jobId);
    batchInputOf(job);
    if (this.active?.jobId === jobId) {
      this.active.stop('cancel');
      return { jobId, cancelled: true, state: 'running' };
    }
    const at = this.pending.indexOf(jobId);
    const abandoned =
      (job.state === 'queued' || job.state === 'paused') && (job.pid === null || job.pid === process.pid || !isRowOwnerAlive(job));
    if (at >= 0 || abandoned) {
      if (at >= 0) this.pending.splice(at, 1);
      this.catalog.jobs.finish(jobId, 'cancelled', { error: 'cancelled', ...(job.result ? { result: job.result } : {}) });
      this.ended(jobId);
      return { jobId, cancelled: true, state: 'cancelled' };
    }
    return { jobId, cancelled: false, state: job.state };
  }

  /** Resolves when the job ends here (or at once with the stored summary of an ended job). */
  wait(jobId: number): Promise<BatchSummary> {
    const job = this.catalog.jobs.require(jobId);
    batchInputOf(job);
    if (this.active?.jobId === jobId || this.pending.includes(jobId)) return this.waiter(jobId).promise;
    if (job.state === 'running' && isHeldElsewhere(job)) throw new StudioError('conflict', heldElsewhere(job));
    return Promise.resolve(this.summary(jobId));
  }

  summary(jobId: number): BatchSummary {
    const job = this.catalog.jobs.require(jobId);
    const live = this.active?.jobId === jobId ? { seconds: this.active.seconds(), workers: this.active.workerCount } : undefined;
    return batchSummary(this.catalog, job, live);
  }

  isActive(jobId: number): boolean {
    return this.active?.jobId === jobId;
  }

  /** Queues the batch jobs a previous process left 'queued' (the app calls this at start). */
  restore(): number[] {
    const queued = this.catalog.jobs
      .list({ state: 'queued', limit: 1000 })
      .filter((j) => isBatchJobKind(j.kind) && !this.pending.includes(j.id) && this.active?.jobId !== j.id)
      .reverse();
    for (const j of queued) this.enqueue(j.id);
    return queued.map((j) => j.id);
  }

  /** Studio closing: the running job is stopped and left 'interrupted', queued ones stay queued. */
  async dispose(): Promise<void> {
    this.closing = true;
    this.pending.length = 0;
    this.active?.stop('interrupt');
    await this.activeEnd;
    for (const [id, w] of this.waiters) w.reject(new StudioError('cancelled', `job ${id}: the studio closed before it ran`));
    this.waiters.clear();
  }

  private check(input: BatchJobInput): void {
    if (input.kind === 'compress' && !this.catalog.models.get(input.modelId ?? '')) throw notInCatalog(input.modelId);
    if (input.kind === 'decompress' && (input.modelId !== undefined || input.quality !== undefined)) {
      throw new StudioError('bad-request', 'decompress takes no model or quality: each .latent file names its model');
    }
  }

  private findHeldElsewhere(input: BatchJobInput): JobRecord | undefined {
    const key = outputKey(input);
    return this.catalog.jobs
      .list({ kind: BATCH_JOB_KINDS[input.kind], limit: 200 })
      .find((j) => isHeldElsewhere(j) && storedOutputKey(j) === key);
  }

  private stateOf(jobId: number): JobState {
    return this.catalog.jobs.require(jobId).state;
  }

  private waiter(jobId: number): Waiter {
    let w = this.waiters.get(jobId);
    if (!w) {
      let resolve!: Waiter['resolve'];
      let reject!: Waiter['reject'];
      const promise = new Promise<BatchSummary>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A waiter nobody awaits must not surface as an unhandled rejection.
      promise.catch(() => {});
      w = { promise, resolve, reject };
      this.waiters.set(jobId, w);
    }
    return w;
  }

  private enqueue(jobId: number): void {
    if (this.closing) throw new StudioError('conflict', 'the studio is closing');
    this.pending.push(jobId);
    this.pump();
    if (this.active?.jobId !== jobId) emitBatchState(this.ctx, jobId, batchInputOf(this.catalog.jobs.require(jobId)).kind, 'queued');
  }

  private pump(): void {
    if (this.active || this.closing) return;
    const jobId = this.pending.shift();
    if (jobId === undefined) return;
    const run = new BatchRun(this.ctx, this.catalog, jobId);
    this.active = run;
    // run() claims the job synchronously, so the job is 'running' when start() returns.
    const ran = run.run();
    const claimed = this.catalog.jobs.require(jobId);
    if (claimed.state === 'running') emitBatchState(this.ctx, jobId, batchInputOf(claimed).kind, 'running');
    this.activeEnd = ran.then(
      () => this.ended(jobId),
      (err: unknown) => {
        // Not claimed (done already, or running in another process): nothing was changed.
        this.active = undefined;
        this.waiters.get(jobId)?.reject(err);
        this.waiters.delete(jobId);
        this.pump();
      },
    );
  }

  private ended(jobId: number): void {
    if (this.active?.jobId === jobId) this.active = undefined;
    const summary = this.summary(jobId);
    emitBatchFinished(this.ctx, finishedEvent(summary));
    this.waiters.get(jobId)?.resolve(summary);
    this.waiters.delete(jobId);
    this.pump();
  }
}

export function batchQueue(ctx: CoreContext): BatchQueue {
  return ctx.resource(
    'jobs.batchQueue',
    () => new BatchQueue(ctx),
    (q) => q.dispose(),
  );
}
