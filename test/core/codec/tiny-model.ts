// Trains a tiny real model with the engine's API (seconds, few epochs on the committed fixtures)
// and saves it like the studio does, so codec tests run on real latents and a real decoder.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { loadModel, saveModelDir, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import type { Hyper } from '../../../src-main/core/engine/model-card.js';
import { trainAutoencoder } from '../../../src-main/core/engine/train.js';
import { studioHome } from '../../../src-main/core/system/home.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../../fixtures/codec');
export const DIGITS = readdirSync(path.join(FIXTURES, 'digits'))
  .filter((f) => f.endsWith('.png'))
  .sort()
  .map((f) => path.join(FIXTURES, 'digits', f));
export const PHOTOS = readdirSync(path.join(FIXTURES, 'photos'))
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => path.join(FIXTURES, 'photos', f));

export type TinyKind = 'dense-digits' | 'conv-photos';

export interface TinyModel {
  id: string;
  dir: string;
  weightsHash: string;
  model: LoadedModel;
}

export async function trainTinyModel(kind: TinyKind, modelsDir: string, id = `tiny-${kind}`, epochs = 40): Promise<TinyModel> {
  const dense = kind === 'dense-digits';
  const hyper: Hyper = dense
    ? { arch: 'dense', tile: 20, encoderLayers: [128], decoderLayers: [128], codeSize: 16, activation: 'relu' }
    : { arch: 'conv', downsampling: 8, filters: [8, 8, 8], codeChannels: 4, kernelSize: 3, activation: 'relu', crop: 32, tile: 256 };
  const files = dense ? DIGITS : PHOTOS;
  const trained = await trainAutoencoder(
    {
      name: id,
      dataset: { id: null, name: null },
      trainFiles: files,
      valFiles: [],
      hyper,
      channels: dense ? 1 : 3,
      loss: dense ? 'bce' : 'mse',
      epochs,
      batchSize: dense ? 16 : 8,
      learningRate: dense ? 0.005 : 0.003,
      seed: 7,
      patience: 0,
      cropsPerImage: dense ? 1 : 8,
    },
    { progress: () => {}, signal: new AbortController().signal, checkpoint: async () => {} },
  );
  const dir = path.join(modelsDir, id);
  const { weightsHash } = await saveModelDir(dir, trained.encoder, trained.decoder, { ...trained.card, id, decoderBytes: 0 });
  trained.encoder.dispose();
  trained.decoder.dispose();
  return { id, dir, weightsHash, model: await loadModel(dir) };
}

/** trainTinyModel into a studio home, recorded in its catalog as a dataset-less dense model. */
export async function catalogedTinyModel(home: string, id: string, name: string, epochs: number): Promise<TinyModel> {
  const h = studioHome(home);
  mkdirSync(h.modelsDir, { recursive: true });
  const model = await trainTinyModel('dense-digits', h.modelsDir, id, epochs);
  const catalog = openCatalog(h.catalogFile);
  try {
    catalog.models.add({
      id: model.id,
      name,
      datasetId: null,
      arch: 'dense',
      dir: model.dir,
      weightsHash: model.weightsHash,
      card: model.model.card,
    });
  } finally {
    catalog.close();
  }
  return model;
}
