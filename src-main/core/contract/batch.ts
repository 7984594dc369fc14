// Contract fragment: batch jobs that compress or decompress whole folders with a pool of workers.
// Jobs are kept in the catalog (listJobs shows them), survive a restart, and resume without
// redoing finished files. Browser-safe: zod and types only.
import { z } from 'zod';
import type { JobState } from './catalog.js';
import { JobRef, type Failure } from './common.js';
import { method } from './define.js';
import { MAX_PIXELS_SETTING } from './limits.js';

export type BatchKind = 'compress' | 'decompress';

export interface BatchStarted {
  jobId: number;
  kind: BatchKind;
  /** 'running', or 'queued' behind another batch job of this studio. */
  state: JobState;
  /** True when an unfinished job with the same request was found and continued instead. */
  resumed: boolean;
}

export interface BatchProgress {
  jobId: number;
  kind: BatchKind;
  state: JobState;
  /** Files finished (written, skipped or failed) of total. */
  done: number;
  total: number;
  written: number;
  skipped: number;
  failed: number;
  /** The file just finished, and its error when it failed. */
  currentFile?: string;
  error?: string;
  /** Bytes of the inputs and outputs of the files written so far. */
  bytesIn: number;
  bytesOut: number;
  /** Input megabytes (10^6) per second and files per second since this run started. */
  mbPerSecond: number;
  filesPerSecond: number;
  /** Remaining seconds at the current rate; null until it can be estimated. */
  etaSeconds: number | null;
  workers: number;
  /**
   * Files being coded now whose tile progress is known (a learned model on an image of several
   * tiles): transform tiles finished of all its passes (encode, and the decode that measures PSNR). Absent when there are none.
   */
  working?: Array<{ file: string; tilesDone: number; tilesTotal: number }>;
  /** A batch on the queue: the latest line about the queue itself (unreachable, back again). */
  notice?: string;
}

export interface BatchFileResult {
  input: string;
  output: string;
  /** Bytes of the written file. */
  bytes: number;
  /** Bytes of the input file. */
  bytesIn: number;
  width?: number;
  height?: number;
  channels?: 1 | 3 | 4;
  /** Compress: quality, bits per pixel, input bytes / output bytes, PSNR when measured. */
  quality?: number;
  bpp?: number;
  ratio?: number;
  psnr?: number;
  latentId?: number;
  /** Decompress of a pack: how many images were written into the output folder. */
  images?: number;
}

export interface BatchSkipped {
  path: string;
  output: string;
  reason: string;
}

/** A file the batch could not handle (common.ts). */
export type BatchFailure = Failure;

export interface BatchSummary {
  jobId: number;
  kind: BatchKind;
  state: JobState;
  outDir: string;
  /** Files found in the inputs (folders walked recursively). */
  total: number;
  /** Files finished so far: written + skipped + failed. */
  done: number;
  files: BatchFileResult[];
  skipped: BatchSkipped[];
  failed: BatchFailure[];
  bytesIn: number;
  bytesOut: number;
  /** bytesIn / bytesOut of the written files (0 when none). */
  ratio: number;
  /** Time spent running (all runs of the job together). */
  seconds: number;
  filesPerSecond: number;
  mbPerSecond: number;
  workers: number;
  /** Why the job itself stopped, when it did not finish. */
  error?: string;
}

/** A batch's jobFinished carries the counts and failures; the per-file list comes from getBatch. */
export type BatchFinished = Omit<BatchSummary, 'files' | 'skipped'> & { written: number; skippedCount: number };

const filePath = z.string().min(1).max(4096);

export const batchRequest = z
  .object({
    kind: z.enum(['compress', 'decompress']),
    /** Files and folders (walked recursively, hidden files skipped, stable order). */
    inputs: z.array(filePath).min(1).max(100_000),
    outDir: filePath,
    /** Compress: the catalog model. */
    modelId: z.string().min(1).max(255).optional(),
    quality: z.number().int().min(1).max(100).optional(),
    targetPsnr: z.number().min(1).max(100).optional(),
    targetBpp: z.number().positive().max(64).optional(),
    measure: z.boolean().optional(),
    /** Carry EXIF and ICC into the outputs (default true). */
    keepMetadata: z.boolean().optional(),
    /** Decompress: output image format (default png). */
    format: z.enum(['png', 'jpeg', 'webp']).optional(),
    /** Worker threads, each with its own model (default: the number of cores). */
    workers: z.number().int().min(1).max(64).optional(),
    /** Skip a file whose output already exists, instead of reporting it (default false). */
    skipExisting: z.boolean().optional(),
    /**
     * Compress only: replace .latent outputs that exist (never a file that is one of the inputs).
     * A decompress batch never replaces an image: in a photo folder it could be an original.
     */
    overwrite: z.boolean().optional(),
    /** Added to each output's stem: photo.jpg -> photo<suffix>.latent. */
    suffix: z
      .string()
      .max(100)
      .refine((s) => !/[/\\\0]/.test(s) && s !== '.' && s !== '..', 'a suffix cannot hold path separators')
      .optional(),
    /** Largest image (pixels) a batch decodes; bigger ones are reported (default DEFAULT_MAX_PIXELS, limits.ts). */
    maxPixels: z.number().int().min(1).max(MAX_PIXELS_SETTING).optional(),
    /** Start a new job even when an unfinished one has the same request (default: continue it). */
    fresh: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.kind !== 'compress' || r.modelId !== undefined, { message: 'compress needs modelId' })
  .refine((r) => [r.quality, r.targetPsnr, r.targetBpp].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of quality, targetPsnr, targetBpp',
  })
  .refine((r) => !(r.skipExisting && r.overwrite), { message: 'skipExisting and overwrite exclude each other' })
  .refine((r) => !(r.kind === 'decompress' && r.overwrite), {
    message:
      'a decompress batch never replaces existing images (they may be originals): choose another output folder or skip existing ones',
  });

export type BatchRequest = z.infer<typeof batchRequest>;

/** The same batch for `latent-studio worker` processes: their own --concurrency replaces workers. */
export const queueBatchRequest = batchRequest.refine((r) => r.workers === undefined, {
  message: 'workers counts local threads; on the queue each latent-studio worker has its own --concurrency',
});

export const batchMethods = {
  startBatch: method<BatchStarted>()(
    batchRequest,
    'Compress or decompress files and folders into outDir (folder structure mirrored, originals never touched) with a pool of workers. A job (kind batch.compress or batch.decompress): jobProgress events follow, then jobFinished; awaitJob gives its summary, getBatch the summary so far.',
  ),
  startQueueBatch: method<BatchStarted>()(
    queueBatchRequest,
    'The same batch sent to `latent-studio worker` processes through the queue in the settings (one job per file); jobProgress events count the files of all workers, then jobFinished. cancelJob takes the files no worker has started off the queue.',
  ),
  getBatch: method<BatchSummary>()(JobRef, 'The summary of a batch job so far: files written, skipped and failed, bytes, rate.'),
} as const;
