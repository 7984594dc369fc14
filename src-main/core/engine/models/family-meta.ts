// What a model family declares in one place, browser-safe (zod and plain functions only, no tfjs):
// the contract, the CLI, the catalog and the renderer's train form read families from here.
import type { z } from 'zod';

/** Facts of a dataset that choose a family's defaults. */
export interface DataFacts {
  channels: 1 | 3;
  /** Largest edge of any image. */
  maxEdge: number;
  typical: { width: number; height: number };
}

/** Train-request fields a family reads (the contract's TrainRequest holds them all). */
export interface FamilyOptions {
  codeSize?: number | undefined;
  layers?: number[] | undefined;
  decoderLayers?: number[] | undefined;
  activation?: 'relu' | 'elu' | 'tanh' | 'sigmoid' | undefined;
  loss?: 'bce' | 'mse' | undefined;
  tile?: number | undefined;
  downsample?: 8 | 16 | undefined;
  channels?: number | undefined;
  codeChannels?: number | undefined;
  lambdas?: number[] | undefined;
}

export interface Preset {
  id: string;
  label: string;
  options: FamilyOptions;
}

export interface FamilyMeta<H extends { arch: string } = { arch: string }> {
  name: H['arch'];
  /** Family id in format-v2 .latent files (0-15); null for the v1 families. */
  formatId: number | null;
  label: string;
  description: string;
  /** Trained for rate and distortion with a learned entropy model (v2 files, one quality slider over its lambdas). */
  learned: boolean;
  /** Which train-request fields this family reads. */
  options: readonly (keyof FamilyOptions)[];
  hyperSchema: z.ZodType<H>;
  /** Hyperparameters from the request and the data. */
  hyper(req: FamilyOptions, facts: DataFacts): H;
  presets: readonly Preset[];
  /** Multiply-accumulates per pixel of the encoder and the decoder. */
  mac(h: H, channels: number): { encoder: number; decoder: number };
  weightGroups: readonly string[];
  /** Hyperparameters that shape only the training (a crop size), not the weights: a fine-tune may change them. */
  trainingOnly?: readonly string[];
  /**
   * List hyperparameters whose length shapes the weights and whose values shape only the training
   * (the lambdas: one gain vector per lambda): a fine-tune may move the values, not the count.
   */
  countOnly?: readonly string[];
  /**
   * A training from a start model (a base, --init-from) takes this family's default values of its
   * count-only lists (the rate points) when the request gives none and the count fits, instead of
   * the start model's; its gains start where the start model would be there (layers/gains.ts).
   */
  countOnlyFollowDefaults?: boolean;
  /** Edge of a training sample (crop or tile) in pixels. */
  sampleEdge(h: H): number;
  /** Latent values the model makes for a width x height image (before entropy coding). */
  codeValues(h: H, width: number, height: number): number;
  /** Random crops per image per epoch when images are larger than a sample. */
  cropsPerImage: number;
  /** The default distortion of the seed's rule (bce for [0,1] inputs) or mse. */
  defaultLoss: 'bce' | 'mse';
  defaultBatchSize: number;
  /** The batch size for these hyperparameters, where it depends on them (else defaultBatchSize). */
  batchSizeFor?(h: H): number;
  defaultLearningRate: number;
}

/** Images up to this edge are small: they get the small-image family and budget. */
export const SMALL_IMAGE_EDGE = 64;

/** Default training budgets of the learned families, minutes: photos, and images up to SMALL_IMAGE_EDGE. */
export const DEFAULT_MINUTES = { photo: 30, small: 3 };

export function defaultMinutes(maxEdge: number): number {
  return maxEdge <= SMALL_IMAGE_EDGE ? DEFAULT_MINUTES.small : DEFAULT_MINUTES.photo;
}

/**
 * The fraction of the family's rate a training starting from a trained model (a base, or
 * --init-from) runs at, photos and small images. Photos: a tenth. At the full rate the first steps
 * undo what the base learned. Landscapes from base-photo, 30 minutes: what the fine-tune bought over
 * the base on the 11 test photos was -6.6 % BD-rate at 1e-4 and -0.4 % at 1e-3, and the validation
 * curve was 0.4-0.5 dB higher. Small images: the full rate (the sample from base-small, one minute:
 * -50.6 % BD-rate against WebP at 1e-3, -47.8 % at 1e-4). docs/results.md.
 */
export const FINE_TUNE_RATE_FACTOR = { photo: 0.1, small: 1 };

export function fineTuneRateFactor(maxEdge: number): number {
  return maxEdge <= SMALL_IMAGE_EDGE ? FINE_TUNE_RATE_FACTOR.small : FINE_TUNE_RATE_FACTOR.photo;
}

/** Default rate points of the learned families: lambdas of `lambda * 255^2 * MSE + bpp`, lowest rate first. */
export const DEFAULT_LAMBDAS = [0.002, 0.005, 0.012, 0.03];
