// A batch job's records in the catalog, the same for a local batch (run-job.ts, queue.ts) and
// a queue batch (queue/batch-record.ts): the unfinished job a rerun continues, one file's record
// (with its latent_files row), the totals over all runs, and what a run plans and asks of each file.
import path from 'node:path';
import type { Catalog, JobRecord } from '../catalog/index.js';
import type { BatchFailure, BatchFileResult } from '../contract/batch.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import { BATCH_JOB_KINDS, batchInputOf, workKey, type BatchJobInput } from './job-input.js';
import { planOutputs, type PlannedItem } from './plan.js';
import type { ItemOptions, ItemOutcome } from './process-item.js';
import type { SkippedData } from './summary.js';
import { walkInputs } from '../input/walk.js';

/** States from which rerunning the same request continues the old job instead of starting anew. */
const CONTINUABLE: readonly JobState[] = ['interrupted', 'cancelled', 'failed'];

/** The unfinished job with the same work as this input, if any. */
export function findUnfinished(catalog: Catalog, input: BatchJobInput): JobRecord | undefined {
  const key = workKey(input);
  return (
    catalog.jobs
      .list({ kind: BATCH_JOB_KINDS[input.kind], limit: 200 })
      // One that never started has nothing to continue (a loser of a simultaneous start, say).
      .find((j) => CONTINUABLE.includes(j.state) && j.startedAt !== null && safeWorkKey(j) === key)
  );
}

function safeWorkKey(job: JobRecord): string | undefined {
  try {
    return workKey(batchInputOf(job));
  } catch {
    return undefined;
  }
}

export function notInCatalog(modelId: string | undefined): StudioError {
  return new StudioError('not-found', `model ${modelId ?? '?'} is not in the catalog (see latent-studio models)`);
}

export interface BatchTotals {
  /** Files recorded, whatever their outcome. */
  done: number;
  written: number;
  skipped: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

/** Counts over every file the job has recorded (all runs). */
export function batchTotals(catalog: Catalog, jobId: number): BatchTotals {
  const t: BatchTotals = { done: 0, written: 0, skipped: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
  for (const item of catalog.jobs.items(jobId)) {
    t.done++;
    if (item.outcome === 'done') {
      const f = item.data as BatchFileResult;
      t.written++;
      t.bytesIn += f.bytesIn;
      t.bytesOut += f.bytes;
    } else if (item.outcome === 'skipped') t.skipped++;
    else t.failed++;
  }
  return t;
}

/** One finished file, in one transaction with its latent_files row (a compressed file of a known model). */
export function recordBatchItem(
  catalog: Catalog,
  job: { id: number; kind: BatchJobInput['kind'] },
  key: string,
  result: ItemOutcome,
  modelId?: string,
): void {
  const jobs = catalog.jobs;
  if (result.outcome === 'done') {
    const f = result.file;
    catalog.transaction(() => {
      if (job.kind === 'compress' && modelId && f.quality !== undefined && f.bpp !== undefined) {
        f.latentId = catalog.latents.add({
          sourcePath: f.input,
          modelId,
          quality: f.quality,
          bytes: f.bytes,
          bpp: f.bpp,
          psnr: f.psnr ?? null,
          outputPath: f.output,
        });
      }
      jobs.recordItem(job.id, { key, outcome: 'done', data: f });
    });
  } else if (result.outcome === 'skipped') {
    const data: SkippedData = { output: result.output };
    jobs.recordItem(job.id, { key, outcome: 'skipped', message: result.reason, data });
  } else {
    jobs.recordItem(job.id, { key, outcome: 'failed', message: result.error });
  }
}

/** The files a run of this input codes, and the inputs it cannot (walk and naming problems). */
export async function planBatch(input: BatchJobInput): Promise<{ items: PlannedItem[]; problems: BatchFailure[] }> {
  // The output folder is not walked when it lies inside an input folder (earlier outputs are not inputs).
  // (When it is an input folder itself, outputs and inputs differ by type and nothing is excluded.)
  const exclude = input.inputs.some((i) => path.resolve(i) === input.outDir) ? [] : [input.outDir];
  const walked = await walkInputs(input.inputs, input.kind === 'compress' ? 'images' : 'latents', exclude);
  const plan = planOutputs(walked.files, { kind: input.kind, outDir: input.outDir, suffix: input.suffix, format: input.format });
  return { items: plan.items, problems: [...walked.failed, ...plan.failed] };
}

/** What every file of this input is coded with. */
export function itemOptionsOf(input: BatchJobInput): ItemOptions {
  return {
    kind: input.kind,
    skipExisting: input.skipExisting ?? false,
    overwrite: input.overwrite ?? false,
    maxPixels: input.maxPixels ?? DEFAULT_MAX_PIXELS,
    keepMetadata: input.keepMetadata ?? true,
    format: input.format ?? 'png',
    settings: {
      ...(input.quality !== undefined ? { quality: input.quality } : {}),
      ...(input.targetPsnr !== undefined ? { targetPsnr: input.targetPsnr } : {}),
      ...(input.targetBpp !== undefined ? { targetBpp: input.targetBpp } : {}),
      ...(input.measure ? { measure: true } : {}),
    },
  };
}
