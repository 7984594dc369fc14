// The engine's model loader, imported only when a task really evaluates a model: classical-only
// evaluations never load tfjs.
import type { ModelLoader } from '../../codec/batch.js';

export const loadEngineModel: ModelLoader = async (dir) => {
  // The conv decoder's custom layer must be registered before a saved conv model deserializes;
  // model-io does not import it itself (yet), so a fresh worker would fail on conv models.
  await import('../../engine/models/depth-to-space.js');
  const { loadModel } = await import('../../engine/model-io.js');
  return loadModel(dir);
};
