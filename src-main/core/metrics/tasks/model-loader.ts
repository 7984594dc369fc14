// The engine's model loader, imported only when a task really evaluates a model: classical-only
// evaluations never load tfjs.
import type { ModelLoader } from '../../codec/batch.js';

export const loadEngineModel: ModelLoader = async (dir) => {
  const { loadModel } = await import('../../engine/model-io.js');
  return loadModel(dir);
};

/** The same for one image at a time (the Compare view): an image of several tiles uses every core. */
export const loadEngineModelAllCores: ModelLoader = async (dir) => {
  const { loadModel } = await import('../../engine/model-io.js');
  const { defaultTileWorkers } = await import('../../engine/tiling/tile-pool.js');
  return loadModel(dir, { workers: defaultTileWorkers() });
};
