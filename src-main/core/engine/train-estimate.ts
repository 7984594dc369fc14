// What a training will give and cost, before it runs (browser-safe: the train form shows it).
// File size: a learned model's rate comes from the validation curve of the model it starts from
// (the built-in base), which fine-tuning moves by percents, not by factors; with nothing to start
// from there is no honest number. Time: a minutes budget is the time, plus the fixed cost of
// starting the worker and saving the model; epochs or steps are counted in multiply-accumulates at
// the rate the wasm backend reaches on this kind of machine (docs/performance.md).

/** Header, stream lengths and check of a single-image v2 file of a small image (docs/latent-format.md). */
export const SINGLE_FILE_OVERHEAD_BYTES = 16;

/** Seconds a training spends outside its budget: worker start, data loading, entropy tables, saving. */
export const TRAIN_OVERHEAD_SECONDS = 4;

/**
 * Multiply-accumulates per second one worker reaches in a training step (forward and backward
 * together count as 3x the forward MACs): about 4-8 GMAC/s on one core with XNNPACK.
 */
export const TRAIN_MAC_PER_SECOND = 5e9;

/** The fixed cost of one step of a small model, where per-kernel overhead dominates the arithmetic. */
const STEP_OVERHEAD_SECONDS = 0.004;

export interface FileSizeEstimate {
  /** Bytes of one image's .latent file at the lowest and the highest quality. */
  low: number;
  high: number;
  /** Where the rates come from. */
  from: string;
}

/**
 * Expected single-file bytes for an image of width x height at the two ends of the quality range,
 * from a validation curve (bits per pixel at each rate point).
 */
export function expectedFileBytes(curve: readonly { bpp: number }[], width: number, height: number, from: string): FileSizeEstimate | null {
  const rates = curve.map((p) => p.bpp).filter((b) => Number.isFinite(b) && b > 0);
  if (rates.length === 0 || !(width > 0 && height > 0)) return null;
  const bytes = (bpp: number) => Math.round((bpp * width * height) / 8 + SINGLE_FILE_OVERHEAD_BYTES);
  return { low: bytes(Math.min(...rates)), high: bytes(Math.max(...rates)), from };
}

export interface TimeEstimateInput {
  /** A wall-clock budget wins when given. */
  minutes?: number;
  steps?: number;
  /** Epochs of `samplesPerEpoch` samples, when counted in epochs. */
  epochs?: number;
  samplesPerEpoch?: number;
  batchSize: number;
  /** Pixels of one training sample (crop or tile). */
  pixelsPerSample: number;
  /** Encoder + decoder multiply-accumulates per pixel. */
  macPerPixel: number;
  workers?: number;
}

/** Expected wall-clock seconds of a training, or null when nothing says how long it runs. */
export function expectedTrainSeconds(t: TimeEstimateInput): number | null {
  if (t.minutes !== undefined) return t.minutes * 60 + TRAIN_OVERHEAD_SECONDS;
  const steps =
    t.steps ??
    (t.epochs !== undefined && t.samplesPerEpoch !== undefined ? t.epochs * Math.ceil(t.samplesPerEpoch / Math.max(1, t.batchSize)) : null);
  if (steps === null || !(t.batchSize > 0 && t.pixelsPerSample > 0 && t.macPerPixel > 0)) return null;
  // Two cores give about 1.3-1.7x, not 2x (docs/performance.md).
  const speedup = t.workers !== undefined && t.workers > 1 ? 1 + 0.5 * (t.workers - 1) : 1;
  const perStep = Math.max(STEP_OVERHEAD_SECONDS, (3 * t.batchSize * t.pixelsPerSample * t.macPerPixel) / TRAIN_MAC_PER_SECOND / speedup);
  return TRAIN_OVERHEAD_SECONDS + steps * perStep;
}
