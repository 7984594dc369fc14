// Records as the repositories hand them to the rest of the core (camelCase, JSON columns parsed).
// These shapes are the cross-domain interface the engine, codec and eval code against.

import type { CatalogImage, JobState, ModelFileInfo, Split, TrainingRunInfo } from '../contract/catalog.js';

export type { JobState, Split };
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

export interface DatasetRecord {
  id: number;
  name: string;
  description: string;
  createdAt: string;
}

/** An image row: the contract's CatalogImage without what listImages adds (display name, thumbnail). */
export type ImageRecord = Omit<CatalogImage, 'name' | 'thumbnail'>;

export type NewImage = Omit<ImageRecord, 'id' | 'addedAt'>;

/** A file of a model's folder: its path relative to the folder, '/'-separated (getModel lists them). */
export type ModelFile = ModelFileInfo;

import type { FamilyName } from '../contract/families.js';

/** The model's family (contract/families.ts is the one list of names). */
export type ModelArch = FamilyName;

export interface ModelRecord {
  id: string;
  name: string;
  datasetId: number | null;
  arch: ModelArch;
  /** Absolute folder of the saved model (tfjs model.json + weights, card.json). */
  dir: string;
  weightsHash: string;
  /** The model card JSON as the engine wrote it. */
  card: Record<string, unknown>;
  files: ModelFile[];
  createdAt: string;
  /** A built-in base model shipped with the studio (read-only: it cannot be deleted). */
  builtin: boolean;
}

export interface NewModel {
  id: string;
  name: string;
  datasetId: number | null;
  arch: ModelArch;
  dir: string;
  weightsHash: string;
  card: object;
  createdAt?: string;
  builtin?: boolean;
}

export type RunState = TrainingRunInfo['state'];

export interface RunRecord {
  id: number;
  datasetId: number | null;
  modelId: string | null;
  params: Record<string, unknown>;
  state: RunState;
  summary: Record<string, unknown> | null;
  startedAt: string;
  endedAt: string | null;
}

export interface EpochRecord {
  epoch: number;
  metrics: Record<string, unknown>;
  at: string;
}

export interface NewLatent {
  sourcePath: string;
  imageId?: number | null;
  modelId: string;
  quality: number;
  bytes: number;
  bpp: number;
  psnr: number | null;
  outputPath: string;
}

export interface LatentRecord extends Required<NewLatent> {
  id: number;
  createdAt: string;
}

export interface NewEvaluation {
  modelId: string | null;
  datasetId?: number | null;
  codec: string;
  points: object;
}

export interface EvaluationRecord {
  id: number;
  modelId: string | null;
  datasetId: number | null;
  codec: string;
  points: Record<string, unknown>;
  createdAt: string;
}

export interface JobRecord {
  id: number;
  kind: string;
  state: JobState;
  input: unknown;
  result: unknown;
  error: string | null;
  done: number;
  total: number | null;
  /** Process that runs (or ran) the job; a running job whose process is gone is interrupted. */
  pid: number | null;
  /** Start time of that process (process-alive.ts), null in rows from before migration 7. */
  pidStart: string | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

/** What became of one unit of a job (a file, an image). */
export type ItemOutcome = 'done' | 'skipped' | 'failed';

export interface JobItem {
  key: string;
  outcome: ItemOutcome;
  message: string | null;
  data: unknown;
  at: string;
}
