// A model's calibration (codec/calibrate.ts) kept in a cache file per model, keyed by its weights,
// and made on the first use from the model's sample images when the cache has none.
import { readFile } from 'node:fs/promises';
import { readImage, writeFileAtomic } from '../imaging/index.js';
import { calibrateFinestStep, calibrationImage, withFinestStep, type Calibration } from '../codec/calibrate.js';
import type { PreparedImage } from '../codec/compress.js';
import type { CodecModel } from '../codec/model.js';
import type { CalibrationSource } from '../engine/open-model.js';

/** Sample files read for a calibration (the first of the source's). */
const MAX_SAMPLES = 8;

interface CacheFile {
  weightsHash: string;
  finestStep: number;
  points: Calibration['points'];
}

/**
 * The model with card.finestStep set: from its card if the engine put it there, else from the
 * cache, else calibrated now on the samples (and cached). Without samples the default mapping stays.
 * Decoding never depends on this: files store their step.
 */
export async function calibratedModel(model: CodecModel, source: CalibrationSource | undefined): Promise<CodecModel> {
  // Learned families have no quantizer step: quality picks a point on their trained rate range.
  if (model.learned || model.card.finestStep !== undefined || !source) return model;
  let finest: number | undefined;
  try {
    const cached = JSON.parse(await readFile(source.file, 'utf8')) as CacheFile;
    if (cached.weightsHash === model.weightsHash && cached.finestStep > 0) finest = cached.finestStep;
  } catch {
    // no cache yet
  }
  if (finest === undefined) {
    const images: PreparedImage[] = [];
    for (const file of source.samples.slice(0, MAX_SAMPLES)) {
      try {
        images.push(calibrationImage(model, await readImage(file, { channels: 'keep' })));
      } catch {
        // an unreadable sample is skipped; calibration uses the others
      }
    }
    if (images.length === 0) return model;
    const cal = await calibrateFinestStep(model, images);
    finest = cal.finestStep;
    const body: CacheFile = { weightsHash: model.weightsHash, finestStep: finest, points: cal.points };
    try {
      await writeFileAtomic(source.file, Buffer.from(JSON.stringify(body, null, 2)), { overwrite: true });
    } catch {
      // a cache that cannot be written only costs a recalibration next time
    }
  }
  return withFinestStep(model, finest);
}
