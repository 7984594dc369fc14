// A batch job's summary, read back from its per-file records in the catalog, so it is the same
// whether the job is running here, ended, or was run by another process before a restart.
import type { Catalog, JobRecord } from '../catalog/index.js';
import type { BatchFailure, BatchFileResult, BatchFinished, BatchKind, BatchSkipped, BatchSummary } from '../contract/batch.js';
import { batchInputOf } from './job-input.js';

/** What a job stores in its result column when a run ends (and reads back to add runs up). */
export interface StoredBatchResult {
  seconds: number;
  workers: number;
  written: number;
  skipped: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

export function storedResult(job: JobRecord): StoredBatchResult | undefined {
  const r = job.result as Partial<StoredBatchResult> | null;
  return r && typeof r.seconds === 'number' ? (r as StoredBatchResult) : undefined;
}

/** Item data for a skipped file. */
export interface SkippedData {
  output: string;
}

export function batchSummary(catalog: Catalog, job: JobRecord, live?: { seconds: number; workers: number }): BatchSummary {
  const input = batchInputOf(job);
  const files: BatchFileResult[] = [];
  const skipped: BatchSkipped[] = [];
  const failed: BatchFailure[] = [];
  for (const item of catalog.jobs.items(job.id)) {
    if (item.outcome === 'done') files.push(item.data as BatchFileResult);
    else if (item.outcome === 'skipped')
      skipped.push({ path: item.key, output: (item.data as SkippedData | null)?.output ?? '', reason: item.message ?? 'skipped' });
    else failed.push({ path: item.key, error: item.message ?? `${item.key}: failed` });
  }
  const bytesIn = files.reduce((n, f) => n + f.bytesIn, 0);
  const bytesOut = files.reduce((n, f) => n + f.bytes, 0);
  const stored = storedResult(job);
  const seconds = (stored?.seconds ?? 0) + (live?.seconds ?? 0);
  const done = files.length + skipped.length + failed.length;
  return {
    jobId: job.id,
    kind: input.kind as BatchKind,
    state: job.state,
    outDir: input.outDir,
    total: Math.max(job.total ?? 0, done),
    done,
    files,
    skipped,
    failed,
    bytesIn,
    bytesOut,
    ratio: bytesOut > 0 ? bytesIn / bytesOut : 0,
    seconds,
    filesPerSecond: seconds > 0 ? files.length / seconds : 0,
    mbPerSecond: seconds > 0 ? bytesIn / 1e6 / seconds : 0,
    workers: live?.workers ?? stored?.workers ?? input.workers ?? 0,
    ...(job.error ? { error: job.error } : {}),
  };
}

export function finishedEvent(s: BatchSummary): BatchFinished {
  const { files, skipped, ...rest } = s;
  return { ...rest, written: files.length, skippedCount: skipped.length };
}
