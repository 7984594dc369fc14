// Contract fragment: evaluation. Rate-distortion sweeps of a model's latent codec against JPEG,
// WebP and AVIF on the same images (per image and mean), BD-rates, the equal-size comparison the
// Compare view shows, stored evaluations and their export (CompressAI results JSON, CSV), and the
// code-size sweep (train models differing only in code size, evaluate each).
// Numbers that are infinite (a lossless reconstruction's PSNR) travel as null.
import { z } from 'zod';
import type { Failure } from './common.js';
import { event, method } from './define.js';
import { TrainRequest } from './engine.js';
import { nameString } from './text.js';

/** The classical codecs the studio measures against, in the order tables, charts and verdicts list them. */
export const CLASSICAL_CODEC_NAMES = ['jpeg', 'webp', 'avif'] as const;
export type ClassicalCodecName = (typeof CLASSICAL_CODEC_NAMES)[number];
/** 'latent' is the model's codec; the others are the classical ones. */
/** 'base': the model a fine-tuned model started from, measured on the same images. */
export type EvalCodecName = 'latent' | 'base' | ClassicalCodecName;

/** One encoding of one image at one quality. */
export interface RdSample {
  quality: number;
  bytes: number;
  /** File bits per pixel, container overhead included. */
  bpp: number;
  /** PSNR-RGB in dB; null when lossless (infinite). */
  psnr: number | null;
  msssim: number;
  ssim?: number;
  encodeSeconds: number;
  decodeSeconds: number;
}

export interface ImageEvaluation {
  path: string;
  imageId?: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Size of the original file (for the compression ratio). */
  originalBytes: number;
  samples: Partial<Record<EvalCodecName, RdSample[]>>;
}

/**
 * One codec's mean curve over the images, one entry per quality setting, low to high. The
 * CompressAI results keys (bpp, psnr-rgb, ms-ssim-rgb, encoding_time) are kept verbatim.
 */
export interface CodecCurve {
  codec: EvalCodecName;
  label: string;
  quality: number[];
  bpp: number[];
  'psnr-rgb': Array<number | null>;
  'ms-ssim-rgb': number[];
  ssim?: number[];
  /** Seconds per image. */
  encoding_time: number[];
  decoding_time: number[];
  /** Mean compressed bytes per image. */
  bytes: number[];
  /** Mean of original file bytes / compressed bytes. */
  ratio: number[];
  /** Mean of raw 24-bit bytes / compressed bytes. */
  rawRatio: number[];
  /** Latent codec only: bpp plus the decoder's weight bytes spread over the evaluated images' pixels. */
  effectiveBpp?: number[];
}

export type BdRateResult =
  | {
      ok: true;
      /** Percent; negative = the latent codec needs that many percent fewer bits at equal quality. */
      bdRate: number;
      /** Mean quality gain at equal rate (dB), when the rate ranges overlap. */
      bdQuality: number | null;
      range: [number, number];
      /** Shared quality range / the shorter curve's quality range (0-1). */
      overlap: number;
      anchorPoints: number;
      testPoints: number;
    }
  | {
      ok: false;
      reason: 'no-overlap' | 'too-few-points';
      message: string;
      anchorRange?: [number, number];
      testRange?: [number, number];
      /** No shared quality range, but a shared rate range: the mean quality difference there (dB). */
      bdQuality?: number | null;
    };

/** BD-rate of the latent codec (test) against one classical codec (anchor). */
export interface BdRatePair {
  /** On PSNR-RGB (dB). */
  psnr: BdRateResult;
  /** On MS-SSIM in dB, -10 log10(1 - ms-ssim). */
  msssim: BdRateResult;
}

/** One classical codec as a verdict phrases it (metrics/verdict.ts). */
export interface CodecStanding {
  codec: ClassicalCodecName;
  label: string;
  /** BD-rate on PSNR, percent (negative: the model needs fewer bytes); null when the curves share no PSNR range. */
  bdRate: number | null;
  /** Mean PSNR difference at equal rate (dB), where the rates overlap. */
  bdPsnr: number | null;
  /** null: no comparison possible. */
  beats: boolean | null;
  text: string;
}

/** Where a model stands against the classical codecs on one evaluation's images. */
export interface Verdict {
  level: 'beats-all' | 'mixed' | 'loses-all' | 'unknown';
  summary: string;
  standings: CodecStanding[];
  /** Which images it was measured on, e.g. "measured on 2 test images: the dataset has no validation images". */
  measuredOn?: string;
}

/** A model's latest verdict and the evaluation it comes from. */
export interface ModelVerdict extends Verdict {
  evaluationId: number;
  dataset: string | null;
  split: EvaluationResult['split'];
  images: number;
  createdAt: string;
}

/** An image the evaluation could not measure (common.ts). */
export type EvalFailure = Failure;

export interface EvaluationResult {
  /** Catalog id of the evaluation (its latent-codec row, or its first row without a model). */
  id: number;
  jobId?: number;
  name: string;
  description: string;
  model: string | null;
  dataset: string | null;
  split: 'train' | 'val' | 'test' | 'all' | null;
  createdAt: string;
  /** Images measured (every codec on the same ones). */
  images: number;
  failed: EvalFailure[];
  /** Decoder weight bytes charged in effectiveBpp. */
  decoderBytes?: number;
  curves: Partial<Record<EvalCodecName, CodecCurve>>;
  /** Latent vs each classical codec; absent without a model. */
  bdRate: Partial<Record<ClassicalCodecName, BdRatePair>>;
  /** A fine-tuned model: the model it started from (its curve is curves.base) and the BD-rate of this model against it. */
  start?: { id: string; name: string; bdRate: BdRatePair };
  perImage: ImageEvaluation[];
  seconds: number;
}

export interface EvaluationSummary {
  id: number;
  name: string;
  model: string | null;
  dataset: string | null;
  codecs: EvalCodecName[];
  images: number;
  createdAt: string;
  /** BD-rate on PSNR per classical codec (null: none, or too little overlap to report one: metrics/bd-rate.ts isReliableBdRate). */
  bdRatePsnr: Partial<Record<ClassicalCodecName, number | null>>;
  /** BD-PSNR (dB at equal size) per classical codec, shown where no BD-rate is (null: the rates do not overlap). */
  bdPsnr: Partial<Record<ClassicalCodecName, number | null>>;
}

export interface EvalStarted {
  jobId: number;
  /** Images to measure. */
  total: number;
}

export interface EvalProgress {
  jobId: number;
  /** Encodings finished (images x qualities x codecs). */
  done: number;
  total: number;
  imagesDone: number;
  images: number;
  path: string;
  codec: EvalCodecName;
  quality: number;
}

/** One equal-size comparison moved on (the request's model, image and quality name it). */
export interface CompareProgress {
  model: string;
  path: string;
  /** Null when an existing .latent file is compared. */
  quality: number | null;
  /** Steps finished, of `total` (loading the model, the latent codec, each classical codec). */
  done: number;
  total: number;
  /** What runs now, in words ("AVIF closest to 1.2 KB"). */
  step: string;
  /** Steps answered from the studio's cache (model, original, encodings it already made). */
  cached: number;
}

export interface EvalFinished {
  jobId: number;
  state: 'done' | 'failed' | 'cancelled' | 'interrupted';
  evaluationId?: number;
  error?: string;
}

/** An image for the UI: the bytes of a file the browser can decode. */
export interface EncodedImage {
  mime: string;
  base64: string;
}

export interface EqualSizeEntry {
  codec: EvalCodecName;
  label: string;
  /** Quality setting; null for a given .latent file whose quality the catalog does not know. */
  quality: number | null;
  bytes: number;
  bpp: number;
  /** Original file bytes / these bytes. */
  ratio: number;
  rawRatio: number;
  psnr: number | null;
  ssim: number;
  msssim: number;
  /** The encoded file itself (JPEG/WebP/AVIF), or a PNG of the latent reconstruction. */
  image: EncodedImage;
  /** A classical codec whose lowest quality still makes a bigger file than the latent one: this is its smallest. */
  atSmallest?: boolean;
}

export interface EqualSizeComparison {
  path: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  originalBytes: number;
  /** PNG of the original's pixels as the studio decodes them. */
  original: EncodedImage;
  model: string;
  latent: EqualSizeEntry;
  /** The classical encodings closest in bytes to the latent file. */
  classical: EqualSizeEntry[];
}

export interface CodeSizeRow {
  codeSize: number;
  model: string | null;
  /** Key of this model's latent curve in CodeSizeSweepResult.curves ("latent-<codeSize>"). */
  curve: string | null;
  evaluationId: number | null;
  trainSeconds: number | null;
  epochs: number | null;
  valPsnr: number | null;
  /** Bytes of the saved weights (encoder and decoder) and of the decoder alone. */
  modelBytes: number | null;
  decoderBytes: number | null;
  /** Trainable parameters of encoder plus decoder. */
  parameters: number | null;
  /** BD-rate (percent) of this model's latent codec against each classical codec; null: no overlap. */
  bdRatePsnr: Partial<Record<ClassicalCodecName, number | null>>;
  bdRateMsssim: Partial<Record<ClassicalCodecName, number | null>>;
  bdRate: Partial<Record<ClassicalCodecName, BdRatePair>>;
  error?: string;
}

export interface CodeSizeSweepResult {
  jobId: number;
  dataset: string;
  split: 'train' | 'val' | 'test' | 'all';
  images: number;
  rows: CodeSizeRow[];
  /** Every model's latent curve ("latent-<codeSize>") plus the classical curves, for one chart. */
  curves: Record<string, CodecCurve>;
  seconds: number;
}

export interface CodeSizeProgress {
  jobId: number;
  codeSize: number;
  /** Position of this code size in the sweep (0-based) and how many there are. */
  index: number;
  count: number;
  phase: 'train' | 'eval' | 'done' | 'failed';
  /** The training job now running (its jobProgress events carry the same id). */
  trainJobId?: number;
  /** The evaluation job now running (its jobProgress events carry the same id). */
  evalJobId?: number;
  error?: string;
}

export interface CodeSizeFinished {
  jobId: number;
  state: 'done' | 'failed' | 'cancelled' | 'interrupted';
  error?: string;
}

const filePath = z.string().min(1).max(4096);
const classicalCodec = z.enum(CLASSICAL_CODEC_NAMES);
const quality = z.number().int().min(1).max(100);
const qualities = z.array(quality).min(1).max(100);
const split = z.enum(['train', 'val', 'test', 'all']);

const evalRequest = z
  .object({
    model: z.string().min(1).max(200).optional(),
    dataset: z.string().min(1).max(200).optional(),
    /** Which split of the dataset (default test; 'all' for every image). */
    split: split.optional(),
    /** Where that split is empty: measure on the next non-empty one (val, test, train); the result's split says which. */
    splitFallback: z.boolean().optional(),
    paths: z.array(filePath).min(1).max(100_000).optional(),
    codecs: z.array(classicalCodec).max(CLASSICAL_CODEC_NAMES.length).optional(),
    /** Latent codec qualities (default a spread from 5 to 100). */
    qualities: qualities.optional(),
    classicalQualities: z
      .object({ jpeg: qualities.optional(), webp: qualities.optional(), avif: qualities.optional() })
      .strict()
      .optional(),
    /** Use at most this many images (the first, in catalog order). */
    maxImages: z.number().int().min(1).max(100_000).optional(),
    /** Also compute SSIM (MS-SSIM is always computed). */
    ssim: z.boolean().optional(),
    /** A fine-tuned model: also measure the model it started from (default true), to show what fine-tuning bought. */
    withStart: z.boolean().optional(),
    name: nameString('evaluation names', 200).optional(),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .refine((r) => (r.dataset === undefined) !== (r.paths === undefined), { message: 'give either dataset or paths' })
  .refine((r) => r.model !== undefined || (r.codecs ?? ['jpeg']).length > 0, {
    message: 'nothing to evaluate: give a model or some codecs',
  });

export const evalMethods = {
  evaluateModel: method<EvalStarted>()(
    evalRequest,
    'Start a rate-distortion evaluation: the model at a range of qualities and JPEG/WebP/AVIF sweeps on the same images. Runs as a job (kind eval) in a worker; jobProgress events follow, then jobFinished; awaitJob gives its curves, BD-rates and per-image results.',
  ),
  getEvaluation: method<EvaluationResult>()(
    z.object({ id: z.number().int().positive() }).strict(),
    'A stored evaluation with its curves, BD-rates and per-image results.',
  ),
  listEvaluations: method<{ evaluations: EvaluationSummary[] }>()(
    z.object({ model: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(1000).optional() }).strict(),
    'Stored evaluations, newest first (optionally of one model).',
  ),
  exportEvaluation: method<{ format: 'json' | 'csv'; fileName: string; content: string; path?: string }>()(
    z
      .object({
        id: z.number().int().positive(),
        format: z.enum(['json', 'csv']),
        /** JSON: only this codec's CompressAI document. */
        codec: z.enum(['latent', ...CLASSICAL_CODEC_NAMES] as const).optional(),
        /** CSV: add one row per image and quality after the mean rows. */
        perImage: z.boolean().optional(),
        /** Also write it to this file (never replacing one unless overwrite). */
        path: filePath.optional(),
        overwrite: z.boolean().optional(),
      })
      .strict(),
    'An evaluation as CompressAI results JSON (a list of {name, description, results} per codec) or CSV.',
  ),
  compareAtEqualSize: method<EqualSizeComparison>()(
    z
      .object({
        model: z.string().min(1).max(200).optional(),
        imagePath: filePath.optional(),
        /** A .latent file to compare instead of compressing imagePath now (imagePath, or the catalog, gives the original). */
        latentPath: filePath.optional(),
        quality: quality.optional(),
        codecs: z.array(classicalCodec).max(CLASSICAL_CODEC_NAMES.length).optional(),
      })
      .strict()
      .refine((r) => r.imagePath !== undefined || r.latentPath !== undefined, { message: 'give imagePath or latentPath' })
      .refine((r) => r.latentPath !== undefined || r.model !== undefined, { message: 'give a model to compress imagePath with' }),
    'One image through the latent codec and the JPEG, WebP and AVIF encodings closest in bytes, with metrics and the images.',
  ),
  sweepCodeSizes: method<EvalStarted>()(
    z
      .object({
        dataset: z.string().min(1).max(200),
        /** Dense models: code values per tile; conv models: code channels. */
        codeSizes: z.array(z.number().int().min(1).max(4096)).min(1).max(16),
        /** Every other training setting, the same for all models (see trainModel). */
        train: TrainRequest.omit({ dataset: true, name: true, codeSize: true, codeChannels: true }).optional(),
        split: split.optional(),
        codecs: z.array(classicalCodec).max(CLASSICAL_CODEC_NAMES.length).optional(),
        qualities: qualities.optional(),
        classicalQualities: z
          .object({ jpeg: qualities.optional(), webp: qualities.optional(), avif: qualities.optional() })
          .strict()
          .optional(),
        maxImages: z.number().int().min(1).max(100_000).optional(),
      })
      .strict(),
    'Train one model per code size (all else equal) on a dataset and evaluate each on the same images, as a job (kind eval.codesize): jobProgress events, then jobFinished; awaitJob gives one row per code size (training time, model size, BD-rates) and every curve.',
  ),
} as const;

export const evalEvents = {
  compareProgress: event<CompareProgress>('An equal-size comparison moved on to its next codec.'),
} as const;
