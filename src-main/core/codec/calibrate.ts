// Finds the finest quantization step worth using with a model: below it the decoder stops
// improving, or (seen with briefly trained conv models, whose decoders only ever saw noisy codes)
// gets worse. Stored as card.finestStep, it makes quality 100 stop there, so on images like the
// calibration set a higher quality never gives a lower PSNR. Meant to run once per model, on a few
// validation images (the engine can call it after training). The cache of the result and the
// sample files are codec-files/calibration-cache.ts's.
import type { RawImage } from '../imaging/index.js';
import { measurePsnr, prepareRaw, type PreparedImage } from './compress.js';
import type { CodecModel } from './model.js';
import { quantize, STEP_AT_100 } from './quantize.js';

/** Candidate steps: 1 (the training noise) down to STEP_AT_100, by factors of sqrt(2). */
export const CALIBRATION_STEPS: readonly number[] = Array.from({ length: 7 }, (_, k) => Math.fround(2 ** (-k / 2))).filter(
  (s) => s >= STEP_AT_100,
);

export interface Calibration {
  finestStep: number;
  points: Array<{ step: number; psnr: number }>;
}

export async function calibrateFinestStep(model: CodecModel, images: PreparedImage[]): Promise<Calibration> {
  if (images.length === 0) throw new RangeError('calibration needs at least one image');
  const codes = [];
  for (const img of images) codes.push(await model.encode(img.color));
  const points: Calibration['points'] = [];
  for (const step of CALIBRATION_STEPS) {
    let sum = 0;
    for (const [k, img] of images.entries()) sum += await measurePsnr(model, img, codes[k]!, quantize(codes[k]!.data, step), step);
    points.push({ step, psnr: sum / images.length });
  }
  // The best step; a finer one only if it is at least as good (ties go to the coarser, cheaper one).
  let best = points[0]!;
  for (const p of points) if (p.psnr > best.psnr) best = p;
  return { finestStep: best.step, points };
}

/** Calibration images are cut to at most this edge: the finest step does not depend on size. */
const SAMPLE_EDGE = 256;

/** A decoded sample image made ready for calibrateFinestStep (its centre, at most SAMPLE_EDGE a side). */
export function calibrationImage(model: CodecModel, raw: RawImage): PreparedImage {
  return prepareRaw(model, centerCrop(raw, SAMPLE_EDGE));
}

/** The model with card.finestStep set. Decoding never depends on it: files store their step. */
export function withFinestStep(model: CodecModel, finestStep: number): CodecModel {
  return {
    ...model,
    card: { ...model.card, finestStep },
    encode: (i) => model.encode(i),
    decode: (c, w, h) => model.decode(c, w, h),
  };
}

function centerCrop(img: RawImage, edge: number): RawImage {
  if (img.width <= edge && img.height <= edge) return img;
  const w = Math.min(edge, img.width);
  const h = Math.min(edge, img.height);
  const x0 = (img.width - w) >> 1;
  const y0 = (img.height - h) >> 1;
  const c = img.channels;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((y0 + y) * img.width + x0) * c, ((y0 + y) * img.width + x0 + w) * c), y * w * c);
  return { data: out, width: w, height: h, channels: c };
}
