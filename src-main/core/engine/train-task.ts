// Worker task: train, save the model folder atomically, register model and run in the catalog.
import path from 'node:path';
import type { TrainResult } from '../contract/engine.js';
import { openCatalog } from '../catalog/index.js';
import { defineTask } from '../jobs/task.js';
import { chooseBackend } from './backend.js';
import { codeValuesPerImage } from './model-card.js';
import { saveModelDir } from './model-io.js';
import { trainAutoencoder, type TrainOptions, type TrainProgress } from './train.js';

export interface TrainJobInput {
  modelId: string;
  catalogFile: string;
  modelsDir: string;
  options: TrainOptions;
  typical: { width: number; height: number };
}

export default defineTask<TrainJobInput, TrainProgress, TrainResult>(async (input, io) => {
  const { options, modelId } = input;
  const catalog = openCatalog(input.catalogFile);
  const runId = catalog.runs.begin({
    datasetId: options.dataset.id,
    params: { ...options, trainFiles: options.trainFiles.length, valFiles: options.valFiles.length },
  });
  try {
    const trained = await trainAutoencoder(options, {
      ...io,
      progress: (p) => {
        if (p.kind === 'epoch')
          catalog.runs.addEpoch(runId, p.epoch, {
            loss: p.loss,
            valLoss: p.valLoss,
            valPsnr: p.valPsnr,
            samplesPerSecond: p.samplesPerSecond,
            seconds: p.seconds,
            learningRate: p.learningRate,
          });
        io.progress(p);
      },
    });
    const dir = path.join(input.modelsDir, modelId);
    const card = { ...trained.card, id: modelId, decoderBytes: 0 };
    const { weightsHash } = await saveModelDir(dir, trained.encoder, trained.decoder, card);
    trained.encoder.dispose();
    trained.decoder.dispose();
    catalog.models.add({ id: modelId, name: options.name, datasetId: options.dataset.id, arch: card.arch, dir, weightsHash, card });
    const last = card.history[card.history.length - 1];
    const result: TrainResult = {
      model: modelId,
      name: options.name,
      arch: card.arch,
      backend: card.training.backend,
      backendReason: (await chooseBackend()).reason,
      epochs: card.history.length,
      loss: last?.loss ?? NaN,
      valLoss: last?.valLoss ?? null,
      valPsnr: last?.valPsnr ?? null,
      seconds: card.training.seconds,
      samplesPerSecond: card.training.samplesPerSecond,
      stoppedEarly: card.training.stoppedEarly,
      seed: options.seed,
      codeRange: card.codeRange,
      codeValues: codeValuesPerImage(card.hyper, card.channels, input.typical.width, input.typical.height),
    };
    catalog.runs.end(runId, 'done', result, modelId);
    return result;
  } catch (err) {
    const cancelled = io.signal.aborted;
    catalog.runs.end(runId, cancelled ? 'cancelled' : 'failed', { error: (err as Error).message });
    throw err;
  } finally {
    catalog.close();
  }
});
