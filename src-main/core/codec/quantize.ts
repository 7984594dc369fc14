// Quality knob -> quantization step, and latents <-> integer symbols.
// The engine trains with uniform noise in [-0.5, 0.5] added to the code, so the decoder is made
// robust to rounding at step 1 in latent units. The step runs log-linearly from half the model's
// observed code range at quality 1 (about two levels per latent) down to STEP_AT_100 at quality 100
// (far below the training noise: there the autoencoder's own error dominates and PSNR has
// saturated on the models we measured, so finer steps would only add bytes). A higher quality
// always gives a smaller (never larger) step.
// Some decoders (seen with a briefly trained conv model) reconstruct *worse* from codes finer than
// some step, because they only ever saw noisy codes; for those, a model card may carry
// `finestStep` (see calibrate.ts) and quality 100 stops there, so PSNR never falls as quality rises.
import { MAX_SYMBOL } from './grid-coder.js';

export const MIN_QUALITY = 1;
export const MAX_QUALITY = 100;
export const DEFAULT_QUALITY = 75;
/** Step at quality 100, in latent units. */
export const STEP_AT_100 = 1 / 8;

export interface CodeRange {
  min: number;
  max: number;
}

/** The model card fields the mapping reads. */
export interface QuantizerCard {
  codeRange: CodeRange;
  /** Finest useful step measured for this model (calibrate.ts); STEP_AT_100 when absent. */
  finestStep?: number;
}

/** The finest step of a card, when it is a usable number. */
export function finestStepOf(card: QuantizerCard): number {
  const f = card.finestStep;
  return typeof f === 'number' && Number.isFinite(f) && f > 0 ? f : STEP_AT_100;
}

/** The quantization step for a quality on a model. */
export function stepFor(quality: number, card: QuantizerCard): number {
  return qualityToStep(quality, card.codeRange, finestStepOf(card));
}

/** The quantization step for a quality, as the float32 the container stores. */
export function qualityToStep(quality: number, range: CodeRange, finest = STEP_AT_100): number {
  if (!Number.isFinite(quality) || quality < MIN_QUALITY || quality > MAX_QUALITY) {
    throw new RangeError(`quality must be from ${MIN_QUALITY} to ${MAX_QUALITY}, got ${quality}`);
  }
  const span = Number.isFinite(range.max - range.min) && range.max > range.min ? range.max - range.min : 2;
  const lo = Math.log2(finest);
  const hi = Math.log2(Math.max(span / 2, 4 * finest));
  const t = (quality - MIN_QUALITY) / (MAX_QUALITY - MIN_QUALITY);
  return Math.fround(2 ** (hi + (lo - hi) * t));
}

/** Rounds latents to integer symbols at `step`. */
export function quantize(latents: Float32Array, step: number): Int32Array {
  const out = new Int32Array(latents.length);
  const inv = 1 / step;
  for (let i = 0; i < latents.length; i++) {
    const v = latents[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`latent ${i} is ${v}`);
    const s = Math.round(v * inv);
    out[i] = s > MAX_SYMBOL ? MAX_SYMBOL : s < -MAX_SYMBOL ? -MAX_SYMBOL : s;
  }
  return out;
}

export function dequantize(symbols: Int32Array, step: number): Float32Array {
  const out = new Float32Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) out[i] = symbols[i]! * step;
  return out;
}
