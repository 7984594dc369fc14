// The model resolver's thread side (engine/open-model.ts), imported only when a task really
// evaluates a model: classical-only evaluations never load tfjs.
import type { ModelLoader } from '../../codec/model.js';

export const loadEngineModel: ModelLoader = async (ref) => {
  const { openModel } = await import('../../engine/open-model.js');
  return openModel(ref);
};

/** The same for one image at a time (the Compare view): an image of several tiles uses every core. */
export const loadEngineModelAllCores: ModelLoader = async (ref) => {
  const { openModel } = await import('../../engine/open-model.js');
  const { defaultTileWorkers } = await import('../../engine/tiling/tile-pool.js');
  return openModel(ref, { workers: defaultTileWorkers() });
};
