// The engine's model loader, imported only when a task really evaluates a model: classical-only
// evaluations never load tfjs.
import type { ModelLoader } from '../../codec/batch.js';

export const loadEngineModel: ModelLoader = async (dir) => {
  const { loadModel } = await import('../../engine/model-io.js');
  return loadModel(dir);
};
