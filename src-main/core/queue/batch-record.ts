// The submitting studio's record of a queue batch: a batch job in its own catalog (the same kind,
// input and per-file items as a local batch, and a latent_files row per compressed file), so
// listJobs shows it, the summary is the local batch's (batch/summary.ts), and rerunning the same
// command continues it. The catalog stays with the studio; workers keep none.
import type { Catalog, JobRecord } from '../catalog/index.js';
import { BATCH_JOB_KINDS, batchInputOf, normalizeRequest, outputKey, storedOutputKey, type BatchJobInput } from '../batch/job-input.js';
import { batchTotals, findUnfinished, recordBatchItem, type BatchTotals } from '../batch/job-record.js';
import type { ItemOutcome } from '../batch/process-item.js';
import { batchSummary, storedResult, type StoredBatchResult } from '../batch/summary.js';
import type { BatchRequest, BatchSummary } from '../contract/batch.js';

export class BatchRecord {
  readonly input: BatchJobInput;
  /** Found by its request (as a local batch reports it). */
  readonly resumed: boolean;
  /** An earlier run of this job exists (found, or named with --resume): its finished files are not redone. */
  readonly continuing: boolean;
  private readonly prior: StoredBatchResult | undefined;
  private readonly started = Date.now();

  private constructor(
    private readonly catalog: Catalog,
    readonly job: JobRecord,
    resumed: boolean,
    continuing: boolean,
  ) {
    this.input = batchInputOf(job);
    this.resumed = resumed;
    this.prior = storedResult(job);
    this.continuing = continuing;
  }

  /** A new job, or the unfinished one with the same request (unless fresh), claimed by this process. */
  static open(catalog: Catalog, req: BatchRequest | { resume: number }): BatchRecord {
    let job: JobRecord;
    let resumed = false;
    if ('resume' in req) {
      job = catalog.jobs.require(req.resume);
      batchInputOf(job);
    } else {
      const input = normalizeRequest(req);
      const prior = req.fresh ? undefined : findUnfinished(catalog, input);
      resumed = prior !== undefined;
      job = prior ?? catalog.jobs.create({ kind: BATCH_JOB_KINDS[input.kind], input });
    }
    const key = outputKey(batchInputOf(job));
    // Refused (one line) while another live studio runs the same outputs, as for a local batch.
    const claimed = catalog.jobs.claim(job.id, { sameWork: (other) => storedOutputKey(other) === key });
    return new BatchRecord(catalog, claimed, resumed, job.startedAt !== null);
  }

  get id(): number {
    return this.job.id;
  }

  finishedKeys(): Set<string> {
    return this.catalog.jobs.finishedKeys(this.job.id);
  }

  setTotal(total: number): void {
    this.catalog.jobs.setTotal(this.job.id, total);
  }

  /** One finished file, in one transaction with its latent_files row (compress), as a local batch records it. */
  record(key: string, result: ItemOutcome, modelId?: string): void {
    recordBatchItem(this.catalog, { id: this.job.id, kind: this.input.kind }, key, result, modelId);
  }

  /** Counts over every file the job has recorded (all runs). */
  totals(): BatchTotals {
    return batchTotals(this.catalog, this.job.id);
  }

  seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  finish(state: 'done' | 'failed' | 'cancelled' | 'interrupted', workers: number, error?: string): BatchSummary {
    const { done: _done, ...totals } = this.totals();
    const result: StoredBatchResult = { seconds: (this.prior?.seconds ?? 0) + this.seconds(), workers, ...totals };
    this.catalog.jobs.finish(this.job.id, state, { result, ...(error ? { error } : {}) });
    return batchSummary(this.catalog, this.catalog.jobs.require(this.job.id));
  }
}
