// The rate-distortion sweep, image by image: each image goes through the latent codec at every
// quality (compressImage -> the real .latent bytes -> decodeSingle, as a user's file would) and
// through each classical codec at its sweep of qualities, and is measured against the same
// reference pixels. One image at a time is held in memory; each finished image is reported at
// once (the job records it, so a resumed job skips it). A file that cannot be read is reported
// and left out of every codec, so all curves stay on the same images.
// Metadata (EXIF, ICC) is not stored in the latent files here: the classical encodings carry none
// either, and the comparison is about the pixels.
import { stat } from 'node:fs/promises';
import { compressImage, type PreparedImage } from '../codec/compress.js';
import { prepareFile } from '../codec-files/prepare-file.js';
import type { ModelLoader, LoadedCodecModel } from '../codec/model.js';
import { calibratedModel } from '../codec-files/calibration-cache.js';
import type { CalibrationSource } from '../engine/open-model.js';
import { readAnySingle } from '../codec/any-latent.js';
import { decodeSingle } from '../codec/decompress.js';
import type { EvalCodecName, ImageEvaluation, RdSample } from '../contract/eval.js';
import { toWireError } from '../contract/errors.js';
import { readImage, type RawImage } from '../imaging/index.js';
import { classicalPoint, measureQuality, type MetricOptions, type QualityMetrics } from './classical.js';
import type { ClassicalCodec } from './codecs.js';
import { colorOnly } from '../imaging/pixels.js';
import { bitsPerPixel } from './rate.js';

/** Latent-codec qualities of a default sweep: dense where the step is coarse (low rates). */
export const DEFAULT_LATENT_QUALITIES = [5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 100];

export interface SweepTaskInput {
  jobId: number;
  /** calibration: the same finest-step mapping compress uses, so the sweep measures what users get. */
  model?: { id: string; dir: string; calibration?: CalibrationSource };
  /** The model `model` was fine-tuned from: measured at the same qualities as codec 'base'. */
  start?: { id: string; dir: string };
  images: Array<{ path: string; imageId?: number }>;
  /** Paths already measured by an earlier run of the job. */
  skip: string[];
  latentQualities: number[];
  classical: Array<{ codec: ClassicalCodec; qualities: number[] }>;
  ssim: boolean;
  /** Largest image read (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

export type SweepTaskProgress =
  | { kind: 'step'; done: number; total: number; imagesDone: number; images: number; path: string; codec: EvalCodecName; quality: number }
  | { kind: 'image'; result: ImageEvaluation }
  | { kind: 'failed'; path: string; error: string };

export interface SweepTaskResult {
  measured: number;
  failed: number;
}

export interface SweepIO {
  progress(p: SweepTaskProgress): void;
  checkpoint(): Promise<void>;
}

/** Infinity (lossless) travels as null: JSON has no Infinity. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function sampleOf(
  quality: number,
  bytes: number,
  ref: RawImage,
  m: ReturnType<typeof measureQuality>,
  encodeSeconds: number,
  decodeSeconds: number,
): RdSample {
  return {
    quality,
    bytes,
    bpp: bitsPerPixel(bytes, ref.width, ref.height),
    psnr: finiteOrNull(m.psnr),
    msssim: m.msssim,
    ...(m.ssim !== undefined ? { ssim: m.ssim } : {}),
    encodeSeconds,
    decodeSeconds,
  };
}

/** The latent codec at one quality on a prepared image: real file bytes, real decode. */
export async function latentSample(
  model: LoadedCodecModel,
  img: PreparedImage,
  quality: number,
  options: MetricOptions = {},
): Promise<{ sample: RdSample; bytes: Uint8Array; recon: RawImage; metrics: QualityMetrics }> {
  const t0 = performance.now();
  const r = await compressImage(model, img, { quality });
  const t1 = performance.now();
  const label = `latent q${quality}`;
  const decoded = await decodeSingle(model, readAnySingle(r.bytes, label), label);
  const t2 = performance.now();
  const recon = colorOnly(decoded.image);
  const m = measureQuality(img.original, recon, options);
  return {
    sample: sampleOf(quality, r.bytes.length, img.original, m, (t1 - t0) / 1000, (t2 - t1) / 1000),
    bytes: r.bytes,
    recon,
    metrics: m,
  };
}

/** The loaded model with the quality mapping compress uses (calibrate.ts); dispose stays the loaded one's. */
export async function withCalibration(loaded: LoadedCodecModel, source: CalibrationSource | undefined): Promise<LoadedCodecModel> {
  const model = await calibratedModel(loaded, source);
  return model === loaded ? loaded : { ...model, dispose: () => loaded.dispose() };
}

export async function runSweep(input: SweepTaskInput, loadModel: ModelLoader | undefined, io: SweepIO): Promise<SweepTaskResult> {
  const skip = new Set(input.skip);
  const todo = input.images.filter((i) => !skip.has(i.path));
  const perImage =
    (input.model ? input.latentQualities.length * (input.start ? 2 : 1) : 0) + input.classical.reduce((n, c) => n + c.qualities.length, 0);
  const total = todo.length * perImage;
  const options: MetricOptions = { ssim: input.ssim };
  let model: LoadedCodecModel | undefined;
  if (input.model) {
    if (!loadModel) throw new Error('a model loader is needed to evaluate a model');
    model = await withCalibration(await loadModel(input.model), input.model.calibration);
  }
  const start = input.model && input.start && loadModel ? await loadModel(input.start) : undefined;
  let done = 0;
  let measured = 0;
  let failed = 0;
  try {
    for (const [k, item] of todo.entries()) {
      await io.checkpoint();
      const step = (codec: EvalCodecName, quality: number) =>
        io.progress({ kind: 'step', done: ++done, total, imagesDone: k, images: todo.length, path: item.path, codec, quality });
      let result: ImageEvaluation;
      try {
        result = await evaluateImage(item, model, input, options, step, () => io.checkpoint(), start);
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') throw err;
        failed++;
        done = (k + 1) * perImage;
        io.progress({ kind: 'failed', path: item.path, error: toWireError(err).message });
        continue;
      }
      measured++;
      io.progress({ kind: 'image', result });
    }
  } finally {
    model?.dispose();
    start?.dispose();
  }
  return { measured, failed };
}

async function evaluateImage(
  item: { path: string; imageId?: number },
  model: LoadedCodecModel | undefined,
  input: SweepTaskInput,
  options: MetricOptions,
  step: (codec: EvalCodecName, quality: number) => void,
  between: () => Promise<void>,
  start?: LoadedCodecModel,
): Promise<ImageEvaluation> {
  const originalBytes = (await stat(item.path)).size;
  let prepared: PreparedImage | undefined;
  let ref: RawImage;
  let channels: 1 | 3 | 4;
  if (model) {
    prepared = await prepareFile(model, item.path, false, input.maxPixels);
    ref = prepared.original;
    channels = prepared.channels;
  } else {
    const raw = await readImage(item.path, { channels: 'keep', ...(input.maxPixels !== undefined ? { maxPixels: input.maxPixels } : {}) });
    channels = raw.channels;
    ref = colorOnly(raw);
  }
  const samples: ImageEvaluation['samples'] = {};
  if (model && prepared) {
    const list: RdSample[] = [];
    for (const q of input.latentQualities) {
      list.push((await latentSample(model, prepared, q, options)).sample);
      step('latent', q);
      await between();
    }
    samples.latent = list;
    if (start) {
      const from = await prepareFile(start, item.path, false, input.maxPixels);
      const base: RdSample[] = [];
      for (const q of input.latentQualities) {
        base.push((await latentSample(start, from, q, options)).sample);
        step('base', q);
        await between();
      }
      samples.base = base;
    }
  }
  for (const { codec, qualities } of input.classical) {
    const list: RdSample[] = [];
    for (const q of qualities) {
      const p = await classicalPoint(ref, codec, q, options);
      list.push(sampleOf(q, p.bytes, ref, p, p.encodeSeconds, p.decodeSeconds));
      step(codec, q);
      await between();
    }
    samples[codec] = list;
  }
  return {
    path: item.path,
    ...(item.imageId !== undefined ? { imageId: item.imageId } : {}),
    width: ref.width,
    height: ref.height,
    channels,
    originalBytes,
    samples,
  };
}
