// Contract fragment: the engine (tfjs backend, training). Browser-safe.
import { z } from 'zod';
import { FAMILY_NAMES, type FamilyName } from './families.js';
import type { JobRef } from './common.js';
import { method } from './define.js';
import { nameString } from './text.js';

export interface BackendReport {
  backend: 'tensorflow' | 'wasm' | 'cpu';
  /** Why this one: what was tried and what failed, in one line. */
  reason: string;
  /** What runs the learned models' transforms when they code an image (onnxruntime or tfjs), and why; absent: not asked. */
  coding?: { name: 'onnx' | 'tfjs'; reason: string };
}

/**
 * Request to train a model on a catalog dataset. Absent fields take defaults from the data. Each
 * field's description is also its CLI flag's help (cli/schema-flags.ts).
 */
export const TrainRequest = z
  .object({
    dataset: z.string().min(1).max(200).describe('the catalog dataset to train on'),
    name: nameString('model names', 200).optional().describe("the model's name (default: '<dataset> <family>')"),
    /** Families: contract/families.ts (declared in engine/models/families.ts). */
    arch: z.enum(FAMILY_NAMES).optional().describe('model family; absent: chosen from the data'),
    lambdas: z
      .array(z.number().positive().max(10))
      .min(1)
      .max(8)
      .optional()
      .describe('learned families: the lambdas of lambda * 255^2 * MSE + bpp, one quality level each'),
    minutes: z
      .number()
      .positive()
      .max(10080)
      .optional()
      .describe('learned families: wall-clock budget in minutes (the learning-rate schedule fits it)'),
    steps: z.number().int().min(1).max(10_000_000).optional().describe('learned families: optimizer steps, instead of a time budget'),
    codeSize: z.number().int().min(1).max(4096).optional().describe('dense: code values per tile'),
    layers: z
      .array(z.number().int().min(1).max(16384))
      .max(8)
      .optional()
      .describe('dense: encoder hidden widths, outermost first (default: widths shrinking from the input to the code)'),
    decoderLayers: z
      .array(z.number().int().min(1).max(16384))
      .max(8)
      .optional()
      .describe('dense: decoder hidden widths, innermost first (default: the mirror of layers)'),
    activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid']).optional().describe('dense and conv: hidden activation'),
    loss: z.enum(['bce', 'mse']).optional().describe('dense families: the distortion, binary cross-entropy or mean squared error'),
    tile: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .optional()
      .describe('dense: tile edge (0 = the whole image); conv and learned: training crop edge'),
    downsample: z
      .union([z.literal(8), z.literal(16)])
      .optional()
      .describe('conv: downsampling factor'),
    channels: z.number().int().min(4).max(512).optional().describe('conv and learned: filters per stage'),
    codeChannels: z.number().int().min(1).max(256).optional().describe('conv and learned: code channels'),
    color: z.enum(['auto', 'gray', 'rgb']).optional().describe('train on gray or RGB pixels (auto: gray when every image is gray)'),
    epochs: z.number().int().min(1).max(10000).optional().describe('passes over the training images'),
    batchSize: z.number().int().min(1).max(4096).optional().describe('images (or crops) per step'),
    learningRate: z.number().positive().max(1).optional().describe("Adam's learning rate (default: the family's)"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional()
      .describe('random seed: same seed, same backend, same model'),
    patience: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .describe('stop after this many epochs without a better validation loss (0: never)'),
    initFrom: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("learned families: start from this model's weights (same family, channels and shapes)"),
    fromScratch: z.boolean().optional().describe('learned families: start from random weights, not from the matching built-in base model'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe('learned families: model replicas, one per worker thread, sharing each batch (default: the cores, at most 8)'),
  })
  .strict();
export type TrainRequest = z.infer<typeof TrainRequest>;

export interface TrainResult {
  model: string;
  name: string;
  arch: FamilyName;
  backend: string;
  /** Why that backend (what was tried first and failed, or that it was forced). */
  backendReason: string;
  epochs: number;
  loss: number;
  valLoss: number | null;
  valPsnr: number | null;
  seconds: number;
  samplesPerSecond: number;
  stoppedEarly: boolean;
  seed: number;
  codeRange: { min: number; max: number };
  /** Code values per image of the dataset's typical size (before quantization and entropy coding). */
  codeValues: number;
  /** Learned families: the validation curve (one point per lambda, entropy-model rate), MAC per pixel, steps. */
  rd?: { lambda: number; bpp: number; psnr: number }[];
  mac?: { encoder: number; decoder: number };
  steps?: number;
  /** The model whose weights the training started from (a base model, or --init-from); absent: from scratch. */
  startedFrom?: { id: string; name: string };
}

export type TrainProgressPayload =
  | {
      jobId: number;
      kind: 'batch';
      epoch: number;
      batch: number;
      loss: number;
      samplesPerSecond: number;
      etaSeconds: number | null;
      /** How far the whole training is after this batch, 0-1 (steps, epochs or the time budget: the trainer's own measure). */
      fraction?: number;
      /** Learned families: optimizer steps so far (this one included). */
      step?: number;
      /** Learned families: rate (bits per pixel) and distortion (PSNR, dB) of the batch. */
      bpp?: number;
      psnr?: number;
    }
  | {
      jobId: number;
      kind: 'epoch';
      epoch: number;
      epochs: number;
      loss: number;
      valLoss: number | null;
      valPsnr: number | null;
      samplesPerSecond: number;
      seconds: number;
      learningRate: number;
      etaSeconds: number;
      /** Validation originals and their reconstructions (rounded code), PNG base64. */
      reconstructions: { original: string; reconstruction: string }[];
      /** Learned families: training rate and PSNR, validation rate, the validation point of every lambda, steps so far. */
      bpp?: number;
      psnr?: number;
      valBpp?: number;
      val?: { lambda: number; bpp: number; psnr: number }[];
      step?: number;
    }
  | { jobId: number; kind: 'skipped'; file: string; reason: string }
  | { jobId: number; kind: 'state'; state: 'running' | 'paused' }
  /** First, once per run of the job: the tfjs backend the training thread loaded, and why. */
  | { jobId: number; kind: 'backend'; backend: BackendReport['backend']; reason: string };

export type TrainFinishedPayload =
  { jobId: number; ok: true; result: TrainResult } | { jobId: number; ok: false; error: string; cancelled: boolean };

// Training jobs are catalog jobs (kind 'train'): listJobs shows them, resumeJob continues one from its last finished epoch.
export const engineMethods = {
  getBackendInfo: method<BackendReport>()(
    z.object({}).strict(),
    'Which tfjs backend trains and runs models, what codes images with the learned models (onnxruntime or tfjs), and why.',
  ),
  trainModel: method<JobRef>()(
    TrainRequest,
    'Start training an autoencoder on a dataset in a worker thread, as a catalog job (kind train) checkpointed after every epoch; jobProgress events follow, then jobFinished; awaitJob gives the model.',
  ),
} as const;
