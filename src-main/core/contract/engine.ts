// Contract fragment: the engine (tfjs backend, training). Browser-safe.
import { z } from 'zod';
import { FAMILY_NAMES, type FamilyName } from '../engine/models/families.js';
import { event, method } from './define.js';
import { nameString } from './text.js';

export interface BackendReport {
  backend: 'tensorflow' | 'wasm' | 'cpu';
  reason: string;
  /** What runs the learned models' transforms when they code an image (onnxruntime or tfjs), and why. */
  coding?: { name: 'onnx' | 'tfjs'; reason: string };
}

/** Request to train a model on a catalog dataset. Absent fields take defaults from the data. */
export const TrainRequest = z
  .object({
    dataset: z.string().min(1).max(200),
    name: nameString('model names', 200).optional(),
    /** Model family (engine/models/families.ts); absent: chosen from the data. */
    arch: z.enum(FAMILY_NAMES).optional(),
    /** Learned families: the lambdas of `lambda * 255^2 * MSE + bpp`, one quality level each. */
    lambdas: z.array(z.number().positive().max(10)).min(1).max(8).optional(),
    /** Wall-clock training budget in minutes (learned families; the learning-rate schedule fits it). */
    minutes: z.number().positive().max(10080).optional(),
    /** Optimizer steps (learned families), instead of a time budget. */
    steps: z.number().int().min(1).max(10_000_000).optional(),
    /** Dense: code size (values per tile). */
    codeSize: z.number().int().min(1).max(4096).optional(),
    /** Dense: encoder hidden layer widths, outermost first (default: decreasing sandwich). */
    layers: z.array(z.number().int().min(1).max(16384)).max(8).optional(),
    /** Dense: decoder hidden widths, innermost first (default: the mirror of layers). */
    decoderLayers: z.array(z.number().int().min(1).max(16384)).max(8).optional(),
    activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid']).optional(),
    loss: z.enum(['bce', 'mse']).optional(),
    /** Dense: tile edge (0 = the whole image, for small images). Conv: training crop edge. */
    tile: z.number().int().min(0).max(1024).optional(),
    /** Conv: downsampling factor. */
    downsample: z.union([z.literal(8), z.literal(16)]).optional(),
    /** Conv: filters per stage (one width for all stages). */
    channels: z.number().int().min(4).max(512).optional(),
    /** Conv: code channels. */
    codeChannels: z.number().int().min(1).max(256).optional(),
    color: z.enum(['auto', 'gray', 'rgb']).optional(),
    epochs: z.number().int().min(1).max(10000).optional(),
    batchSize: z.number().int().min(1).max(4096).optional(),
    learningRate: z.number().positive().max(1).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    patience: z.number().int().min(0).max(1000).optional(),
    /** Learned families: start from this model's weights (same family, channels and shapes). */
    initFrom: z.string().min(1).max(200).optional(),
    /** Learned families: start from random weights, not from the matching built-in base model. */
    fromScratch: z.boolean().optional(),
    /** Learned families: model replicas, one per worker thread, sharing each batch (default: the cores, at most 8). */
    workers: z.number().int().min(1).max(64).optional(),
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

/** Training jobs are catalog jobs (kind 'train'): listJobs shows them, resumeJob continues one from its last finished epoch. */
const JobRef = z.object({ jobId: z.number().int().positive() }).strict();

export const engineMethods = {
  getBackendInfo: method<BackendReport>()(
    z.object({}).strict(),
    'Which tfjs backend trains and runs models, what codes images with the learned models (onnxruntime or tfjs), and why.',
  ),
  trainModel: method<{ jobId: number }>()(
    TrainRequest,
    'Start training an autoencoder on a dataset in a worker thread, as a catalog job checkpointed after every epoch; progress arrives as trainProgress events.',
  ),
  awaitTraining: method<TrainResult>()(
    JobRef,
    'Wait for a training job to finish and return its result (or the stored result of a finished one).',
  ),
  pauseTraining: method<{ paused: boolean }>()(JobRef, 'Pause a training job after the current batch.'),
  resumeTraining: method<{ resumed: boolean }>()(JobRef, 'Resume a paused training job.'),
  cancelTraining: method<{ cancelled: boolean }>()(
    JobRef,
    'Cancel a training job (stops within one batch); no model is saved and its checkpoint is removed.',
  ),
} as const;

export const engineEvents = {
  trainProgress: event<TrainProgressPayload>('Per batch and per epoch: loss, validation loss and PSNR, samples/s, ETA, reconstructions.'),
  trainFinished: event<TrainFinishedPayload>('A training job ended: the model, or why not.'),
} as const;
