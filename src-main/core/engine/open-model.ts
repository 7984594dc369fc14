// The thread side of the model resolver (model-resolver.ts is the studio's side): a ModelRef is
// plain data that crosses to a worker thread, where openModel loads its folder under the catalog's
// id (the id .latent files name; a model's folder may hold another). Kept apart from the resolver
// so a coding thread never loads the catalog. Batch workers, the single-file tasks, queue workers,
// Compare and eval all open their models here; a v1 model's quality mapping is then
// codec-files/calibration-cache.ts's calibratedModel(model, ref.calibration).
import { StudioError } from '../contract/errors.js';
import type { LearnedLoadOptions } from './learned-io.js';
import { loadModel, type LoadedModel } from './model-io.js';

/** Where a model's calibration is cached, and the validation images to make it from (codec-files/calibration-cache.ts). */
export interface CalibrationSource {
  /** JSON cache file (one per model); rewritten when the weights change. */
  file: string;
  /** Validation image paths of the model's dataset (empty: keep the default mapping). */
  samples: string[];
}

/** A cataloged model as a worker thread needs it. */
export interface ModelRef {
  /** The catalog's id. */
  id: string;
  dir: string;
  calibration?: CalibrationSource;
}

export interface OpenOptions extends LearnedLoadOptions {
  /** The weights hash the caller was promised (a queue worker's fetched copy): refused when it differs. */
  weightsHash?: string;
  /** A v1 model's finest step measured elsewhere (the submitter's calibration). */
  finestStep?: number;
}

/** Thrown by openModel when the folder holds other weights than promised. */
export class WrongWeights extends StudioError {}

/** Loads a ref's folder (in the calling thread) as a model under the catalog's id. */
export async function openModel(ref: Pick<ModelRef, 'id' | 'dir'>, options: OpenOptions = {}): Promise<LoadedModel> {
  const { weightsHash, finestStep, ...load } = options;
  const m = await loadModel(ref.dir, load);
  if (weightsHash !== undefined && m.weightsHash !== weightsHash) {
    m.dispose();
    throw new WrongWeights(
      'bad-request',
      `model ${ref.id}: the weights fetched have hash ${m.weightsHash.slice(0, 12)}, not the job's ${weightsHash.slice(0, 12)}`,
    );
  }
  const card = finestStep !== undefined && !m.learned ? { ...m.card, finestStep } : m.card;
  return { ...m, id: ref.id, card };
}
