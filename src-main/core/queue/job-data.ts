// What travels through the queue, as zod schemas: a job (one file to compress or decompress) and
// its result. Workers validate every payload before touching a path, and the submitter validates
// every result: nothing read from Redis is trusted, executed or evaluated.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { MODEL_ID_PATTERN } from '../catalog/lsmodel/format.js';
import { MAX_PIXELS_SETTING } from '../contract/limits.js';

/** The BullMQ queue every studio and worker on one Redis shares, under this key prefix. */
export const QUEUE_NAME = 'batch';
export const QUEUE_PREFIX = 'latent-studio';
/** Side storage of the .lsmodel files jobs need, by weights hash. */
export const MODEL_KEY_PREFIX = `${QUEUE_PREFIX}:model:`;
/** A job is tried this often (a worker that refuses or cannot see it, a crash) before it counts as failed. */
export const JOB_ATTEMPTS = 3;

const absPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0') && path.isAbsolute(p) && path.normalize(p) === p, 'not a normalized absolute path');
const hex = z.string().regex(/^[0-9a-f]{12,128}$/);

export const queueModel = z
  .object({
    /** The catalog id of the model on the submitting studio (a folder name on the worker). */
    id: z.string().regex(MODEL_ID_PATTERN),
    weightsHash: hex,
    /** How the files name it: the id (format v1) or tag:<12 hex> (format v2). */
    ref: z.string().min(1).max(200),
    /** A v1 model's calibrated finest step, as the submitting studio uses it (same bytes as a local batch). */
    finestStep: z.number().positive().max(1).optional(),
    /** Redis key of its .lsmodel. */
    key: z.string().regex(/^latent-studio:model:[0-9a-f]{12,128}$/),
  })
  .strict();

const settings = z
  .object({
    quality: z.number().int().min(1).max(100).optional(),
    targetPsnr: z.number().min(1).max(100).optional(),
    targetBpp: z.number().positive().max(64).optional(),
    measure: z.boolean().optional(),
  })
  .strict();

export const queueItemOptions = z
  .object({
    kind: z.enum(['compress', 'decompress']),
    skipExisting: z.boolean(),
    overwrite: z.boolean(),
    maxPixels: z.number().int().min(1).max(MAX_PIXELS_SETTING),
    keepMetadata: z.boolean(),
    format: z.enum(['png', 'jpeg', 'webp']),
    settings,
  })
  .strict();

export const queueJobData = z
  .object({
    v: z.literal(1),
    /** The submitting run (random), and the hash of the work itself (what two submitters compare). */
    batch: z.string().regex(/^[0-9a-f]{16,64}$/),
    work: hex,
    input: absPath,
    output: absPath,
    /** The batch's output folder: it must already exist where the worker looks (the shared folder). */
    outDir: absPath,
    options: queueItemOptions,
    model: queueModel,
  })
  .strict()
  .refine((d) => d.output.startsWith(d.outDir + path.sep), 'the output lies outside the output folder');

export type QueueJobData = z.infer<typeof queueJobData>;
export type QueueModel = z.infer<typeof queueModel>;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const fileResult = z
  .object({
    input: z.string().max(4096),
    output: z.string().max(4096),
    bytes: count,
    bytesIn: count,
    width: count.optional(),
    height: count.optional(),
    channels: z.union([z.literal(1), z.literal(3), z.literal(4)]).optional(),
    quality: z.number().optional(),
    bpp: z.number().optional(),
    ratio: z.number().optional(),
    psnr: z.number().optional(),
    images: count.optional(),
  })
  .strict();

const line = z.string().max(8192);
export const queueOutcome = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('done'), file: fileResult }).strict(),
  z.object({ outcome: z.literal('skipped'), output: line, reason: line }).strict(),
  z.object({ outcome: z.literal('failed'), error: line }).strict(),
]);

export const queueResult = z
  .object({
    v: z.literal(1),
    /** The job's work hash: a result for other work (another batch's job on the same output) is told apart. */
    work: hex,
    outcome: queueOutcome,
    /** host:pid of the worker process that did it. */
    worker: z.string().max(300),
    /** Milliseconds the file took in the worker's coding thread (the rest of a job's time is the queue's). */
    ms: z.number().min(0),
  })
  .strict();

export type QueueResult = z.infer<typeof queueResult>;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The job id of an output: one job per output path on the whole queue, so two submitters (or a
 * retry) never write a file twice. BullMQ ids may not hold ':' or be plain numbers.
 */
export function jobIdFor(output: string): string {
  return `out-${sha(output).slice(0, 40)}`;
}

/** What decides the bytes of a job's output: equal for two submissions of the same work. */
export function workOf(d: Pick<QueueJobData, 'input' | 'output' | 'options' | 'model'>): string {
  return sha(JSON.stringify([d.input, d.output, d.options, d.model.weightsHash, d.model.ref, d.model.finestStep ?? null]));
}

export function modelKey(weightsHash: string): string {
  return `${MODEL_KEY_PREFIX}${weightsHash}`;
}
