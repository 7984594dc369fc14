// Records as the repositories hand them to the rest of the core (camelCase, JSON columns parsed).
// These shapes are the cross-domain interface the engine, codec and eval code against.

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

export interface DatasetRecord {
  id: number;
  name: string;
  description: string;
  createdAt: string;
}

export interface ImageRecord {
  id: number;
  datasetId: number;
  /** Absolute path of the user's original file (read, never written). */
  path: string;
  /** sha256 of the file bytes, hex. */
  hash: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  format: string;
  bytes: number;
  split: Split;
  addedAt: string;
}

export type NewImage = Omit<ImageRecord, 'id' | 'addedAt'>;

export interface ModelFile {
  /** Path relative to the model folder, '/'-separated. */
  path: string;
  bytes: number;
}

import type { FamilyName } from '../engine/models/families.js';

/** The model's family (engine/models/families.ts is the one list). */
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

export type RunState = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

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

export type JobState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'interrupted' | 'cancelled';

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
