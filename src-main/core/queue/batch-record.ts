// The submitting studio's record of a queue batch: a batch job in its own catalog (the same kind,
// input and per-file items as a local batch, and a latent_files row per compressed file), so
// listJobs shows it, the summary is the local batch's (batch/summary.ts), and rerunning the same
// command continues it. The catalog stays with the studio; workers keep none. The job row's
// lifecycle (claim, state, end) is the runner's (queue-batch-job.ts); this records the files.
import type { Catalog, JobRecord } from '../catalog/index.js';
import { batchInputOf, type BatchJobInput } from '../batch/job-input.js';
import { batchTotals, recordBatchItem, type BatchTotals } from '../batch/job-record.js';
import type { ItemOutcome } from '../batch/process-item.js';

export class BatchRecord {
  readonly input: BatchJobInput;

  /**
   * @param job the job as the runner claimed it for this run
   * @param continuing an earlier run of this job began it: its finished files are not redone
   */
  constructor(
    private readonly catalog: Catalog,
    readonly job: JobRecord,
    readonly continuing: boolean,
  ) {
    this.input = batchInputOf(job);
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
}
