// What a batch job stores as its input in the catalog: the request with absolute paths, enough to
// plan the same items again after a restart. Two requests for the same work store the same JSON
// (worker count aside), which is how an unfinished job is found again when the command is rerun.
import path from 'node:path';
import { batchRequest, type BatchKind, type BatchRequest } from '../contract/batch.js';
import { StudioError } from '../contract/errors.js';
import type { JobRecord } from '../catalog/index.js';

export const BATCH_JOB_KINDS: Record<BatchKind, string> = { compress: 'batch.compress', decompress: 'batch.decompress' };

export function isBatchJobKind(kind: string): boolean {
  return Object.values(BATCH_JOB_KINDS).includes(kind);
}

export type BatchJobInput = Omit<BatchRequest, 'fresh'>;

/** Absolute paths and no unset fields, in a fixed key order. */
export function normalizeRequest(req: BatchRequest): BatchJobInput {
  const { fresh: _fresh, ...rest } = req;
  const out: Record<string, unknown> = {
    ...rest,
    inputs: req.inputs.map((p) => path.resolve(p)),
    outDir: path.resolve(req.outDir),
  };
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(out).sort()) if (out[k] !== undefined) sorted[k] = out[k];
  return sorted as BatchJobInput;
}

/** The JSON two requests share when they ask for the same work (the worker count does not matter). */
export function workKey(input: BatchJobInput): string {
  const { workers: _workers, ...rest } = input;
  return JSON.stringify(rest);
}

/**
 * What decides a batch's outputs (kind, inputs, output folder, names). Two live jobs with the same
 * one would race for the same files, whatever their other settings.
 */
export function outputKey(input: BatchJobInput): string {
  return JSON.stringify([input.kind, input.inputs, input.outDir, input.suffix ?? '', input.format ?? '']);
}

/** outputKey of a stored job, undefined for one that is not a readable batch. */
export function storedOutputKey(job: JobRecord): string | undefined {
  try {
    return outputKey(batchInputOf(job));
  } catch {
    return undefined;
  }
}

export function batchInputOf(job: JobRecord): BatchJobInput {
  if (!isBatchJobKind(job.kind)) throw new StudioError('bad-request', `job ${job.id} is a ${job.kind} job, not a batch`);
  const parsed = batchRequest.safeParse(job.input);
  if (!parsed.success) throw new StudioError('internal', `job ${job.id}: stored batch input is malformed`);
  return normalizeRequest(parsed.data);
}
