// What an import job stores as its input: enough to run it again from scratch or resume it.
import { z } from 'zod';
import { StudioError } from '../../contract/errors.js';
import type { JobRecord } from '../types.js';

export const IMPORT_JOB_KIND = 'import';

export const importJobInput = z.object({
  datasetId: z.number().int(),
  dataset: z.string(),
  paths: z.array(z.string()),
  /** The job made the dataset: one that receives nothing goes again (no junk datasets). */
  createdDataset: z.boolean().optional(),
  maxPixels: z.number().int().positive().optional(),
});

export type ImportJobInput = z.infer<typeof importJobInput>;

export function importInputOf(job: JobRecord): ImportJobInput {
  if (job.kind !== IMPORT_JOB_KIND) throw new StudioError('bad-request', `job ${job.id} is a ${job.kind} job, not an import`);
  const parsed = importJobInput.safeParse(job.input);
  if (!parsed.success) throw new StudioError('internal', `job ${job.id}: stored import input is malformed`);
  return parsed.data;
}
