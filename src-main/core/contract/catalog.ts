// Contract fragment: the catalog. Datasets and their images (import with progress, thumbnails,
// split), models (list, delete, .lsmodel export/import), latent files, and the job list.
import { z } from 'zod';
import type { FamilyName } from './families.js';
import { JobRef, type Failure } from './common.js';
import { method } from './define.js';
import { unsafeNameChar } from './text.js';
import { MAX_PIXELS_SETTING } from './limits.js';
import type { ModelVerdict } from './eval.js';

export type Split = 'train' | 'val' | 'test';
export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'interrupted', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface DatasetSummary {
  id: number;
  name: string;
  description: string;
  createdAt: string;
  images: number;
  /** Sum of the original files' sizes. */
  bytes: number;
  splits: Record<Split, number>;
  models: number;
}

export interface DatasetDetail {
  dataset: DatasetSummary;
  models: ModelSummary[];
  /** Import jobs into this dataset, newest first. */
  imports: JobInfo[];
}

export interface CatalogImage {
  id: number;
  datasetId: number;
  /** The original file (the studio never writes to it). */
  path: string;
  name: string;
  /** sha256 of the file bytes, hex. */
  hash: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  format: string;
  bytes: number;
  split: Split;
  addedAt: string;
  /** data: URL of a 128 px WebP, when asked for with withThumbnails. */
  thumbnail?: string;
}

export interface ImageList {
  total: number;
  offset: number;
  images: CatalogImage[];
}

export interface Thumbnail {
  mime: string;
  base64: string;
}

/** A file the import could not take (common.ts). */
export type ImportFailure = Failure;

export interface ImportStarted {
  jobId: number;
  dataset: string;
  datasetId: number;
}

export interface ImportProgress {
  jobId: number;
  dataset: string;
  /** Files finished (added, skipped or failed) of total. */
  done: number;
  total: number;
  added: number;
  skipped: number;
  failed: number;
  /** The file just finished. */
  current?: string;
  /** Its error, when it failed. */
  error?: string;
}

export interface ImportSummary {
  jobId: number;
  dataset: string;
  datasetId: number;
  state: JobState;
  total: number;
  added: number;
  /** Already in the dataset (same content). */
  skipped: number;
  failed: ImportFailure[];
  /** Why the job itself stopped, when it did not finish. */
  error?: string;
}

export interface ModelFileInfo {
  /** Relative to the model folder, '/'-separated. */
  path: string;
  bytes: number;
}

export interface ModelSummary {
  id: string;
  name: string;
  arch: FamilyName;
  datasetId: number | null;
  dataset: string | null;
  weightsHash: string;
  createdAt: string;
  /** Size of the model folder (the decoder is part of what a receiver needs). */
  bytes: number;
  latentFiles: number;
  card: Record<string, unknown>;
  /** A built-in base model shipped with the studio: general, read-only, the default start of a training. */
  builtin: boolean;
  /** Against JPEG, WebP and AVIF, from the model's latest evaluation; absent until one ran. */
  verdict?: ModelVerdict;
}

export interface TrainingRunInfo {
  id: number;
  state: 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
  params: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  startedAt: string;
  endedAt: string | null;
  epochs: { epoch: number; metrics: Record<string, unknown> }[];
}

export interface EvaluationInfo {
  id: number;
  codec: string;
  datasetId: number | null;
  points: Record<string, unknown>;
  createdAt: string;
}

export interface ModelDetail extends ModelSummary {
  dir: string;
  files: ModelFileInfo[];
  runs: TrainingRunInfo[];
  evaluations: EvaluationInfo[];
}

export interface CatalogLatentFile {
  id: number;
  sourcePath: string;
  imageId: number | null;
  modelId: string;
  /** Whether that model is still in the catalog (needed to decompress). */
  modelInCatalog: boolean;
  quality: number;
  bytes: number;
  bpp: number;
  psnr: number | null;
  outputPath: string;
  createdAt: string;
}

export interface DatasetDependents {
  images: number;
  /** Cached thumbnails only this dataset uses (removed with it). */
  thumbnails: number;
  /** Models trained on it: kept, their dataset link cleared. */
  models: { id: string; name: string }[];
  trainingRuns: number;
  evaluations: number;
  /** Latent files made from its images: kept, their image link cleared. */
  latentFiles: number;
  /** Import jobs still running into it (deleting then is refused). */
  runningImports: number;
}

export interface DeleteDatasetResult {
  dataset: string;
  deleted: boolean;
  dependents: DatasetDependents;
}

export interface ModelDependents {
  /** Latent files that need this model to decompress. */
  latentFiles: number;
  latentExamples: string[];
  evaluations: number;
  trainingRuns: number;
}

export interface DeleteModelResult {
  model: string;
  deleted: boolean;
  dependents: ModelDependents;
}

export interface ExportedModel {
  model: string;
  path: string;
  bytes: number;
  files: number;
}

export interface ImportedModel {
  model: ModelSummary;
  /** True when the same model (same weights) was already in the catalog: nothing was written. */
  alreadyPresent: boolean;
}

export interface JobInfo {
  id: number;
  kind: string;
  state: JobState;
  done: number;
  total: number | null;
  /** Items that failed (e.g. unreadable files); their reasons are in `errors` (the first 50). */
  failedItems: number;
  errors: { item: string; message: string }[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
  resumable: boolean;
  input: unknown;
}

const datasetRef = z.union([z.number().int().positive(), z.string().min(1).max(200)]);
const datasetName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => unsafeNameChar(s) === null, 'dataset names cannot contain control or bidirectional-control characters');
const modelId = z.string().min(1).max(200);
const filePath = z.string().min(1).max(4096);

export const catalogMethods = {
  listDatasets: method<{ datasets: DatasetSummary[] }>()(z.object({}).strict(), 'Every dataset with image counts per split.'),
  getDataset: method<DatasetDetail>()(
    z.object({ dataset: datasetRef }).strict(),
    'One dataset (by id or name) with its models and import jobs.',
  ),
  importPaths: method<ImportStarted>()(
    z
      .object({
        paths: z.array(filePath).min(1).max(100_000),
        dataset: datasetName,
        description: z.string().max(2000).optional(),
        /** Largest image accepted, in pixels (default DEFAULT_MAX_PIXELS). */
        maxPixels: z.number().int().min(1).max(MAX_PIXELS_SETTING).optional(),
      })
      .strict(),
    'Import files and folders (recursive) into a dataset, created when new. Runs as a job (kind import) in a worker; jobProgress events follow, then jobFinished; awaitJob gives its summary.',
  ),
  listImages: method<ImageList>()(
    z
      .object({
        dataset: datasetRef,
        split: z.enum(['train', 'val', 'test']).optional(),
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        withThumbnails: z.boolean().optional(),
      })
      .strict(),
    "A page of a dataset's images (default 100), optionally with data: URL thumbnails.",
  ),
  getThumbnail: method<Thumbnail>()(
    z.object({ imageId: z.number().int().positive() }).strict(),
    'The cached 128 px thumbnail of an image, base64 (the renderer cannot read files).',
  ),
  deleteDataset: method<DeleteDatasetResult>()(
    z.object({ dataset: datasetRef, dryRun: z.boolean().optional() }).strict(),
    'Delete a dataset from the catalog (never the original image files). dryRun only lists what depends on it.',
  ),
  listModels: method<{ models: ModelSummary[] }>()(
    z.object({ datasetId: z.number().int().positive().optional() }).strict(),
    'Every model, newest first (optionally those trained on one dataset).',
  ),
  getModel: method<ModelDetail>()(
    z.object({ id: modelId }).strict(),
    'One model with its files, training runs (per-epoch history) and evaluations.',
  ),
  deleteModel: method<DeleteModelResult>()(
    z.object({ id: modelId, dryRun: z.boolean().optional(), force: z.boolean().optional() }).strict(),
    'Delete a model and its folder. Refused while latent files need it, unless force. dryRun only lists dependents.',
  ),
  exportModel: method<ExportedModel>()(
    z.object({ id: modelId, path: filePath, overwrite: z.boolean().optional() }).strict(),
    'Write the model (weights and model card) to one .lsmodel file that another studio can import.',
  ),
  importModel: method<ImportedModel>()(
    z.object({ path: filePath }).strict(),
    'Import a .lsmodel file. Refused when a different model with the same id is already here.',
  ),
  listLatentFiles: method<{ latentFiles: CatalogLatentFile[] }>()(
    z.object({ modelId: modelId.optional(), limit: z.number().int().min(1).max(10_000).optional() }).strict(),
    'Latent files the studio wrote, newest first.',
  ),
  listJobs: method<{ jobs: JobInfo[] }>()(
    z
      .object({
        jobId: JobRef.shape.jobId.optional(),
        kind: z.string().max(100).optional(),
        state: z.enum(JOB_STATES).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    'Jobs (import, train, batch, eval), newest first, with progress and errors.',
  ),
} as const;
