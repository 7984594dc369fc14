// Worker task: train (continuing from the job's checkpoint when there is one), checkpoint after
// every epoch, save the model folder atomically, register model and run in the catalog.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { TrainResult } from '../contract/engine.js';
import { openCatalog, type Catalog } from '../catalog/index.js';
import { defineTask, type TaskIO } from '../workers/task.js';
import { chooseBackend } from './backend.js';
import { codeValuesPerImage, type EpochRecord, type ModelCard } from './model-card.js';
import { saveModelDir } from './model-io.js';
import { readCheckpoint, writeCheckpoint } from './train-checkpoint.js';
import { trainAutoencoder, type TrainOptions, type TrainProgress } from './train.js';
import { familyMeta } from './models/families.js';
import { trainLearned } from './train-learned.js';

export interface TrainJobInput {
  /** The catalog job this run belongs to (its progress is the number of finished epochs). */
  jobId: number;
  modelId: string;
  catalogFile: string;
  modelsDir: string;
  /** The job's checkpoint file (train-checkpoint.ts); read at start, replaced after each epoch. */
  checkpointFile: string;
  options: TrainOptions;
  typical: { width: number; height: number };
}

export async function resultOf(card: Omit<ModelCard, 'id' | 'decoderBytes'>, input: TrainJobInput): Promise<TrainResult> {
  const last = card.history[card.history.length - 1];
  const rd = card.rd;
  return {
    ...(rd ? { rd, ...(card.mac ? { mac: card.mac } : {}), steps: card.training.steps ?? 0 } : {}),
    ...(card.startedFrom ? { startedFrom: { id: card.startedFrom.id, name: card.startedFrom.name } } : {}),
    model: input.modelId,
    name: input.options.name,
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
    seed: input.options.seed,
    codeRange: card.codeRange,
    codeValues: codeValuesPerImage(card.hyper, input.typical.width, input.typical.height),
  };
}

function epochMetrics(e: EpochRecord): object {
  return {
    loss: e.loss,
    valLoss: e.valLoss,
    valPsnr: e.valPsnr,
    samplesPerSecond: e.samplesPerSecond,
    seconds: e.seconds,
    learningRate: e.learningRate,
  };
}

export default defineTask<TrainJobInput, TrainProgress, TrainResult>(async (input, io) => {
  const { modelId } = input;
  const catalog = openCatalog(input.catalogFile);
  try {
    // Said once, before any step: which backend this run trains on, and why (the CLI and the studio show it).
    const chosen = await chooseBackend();
    io.progress({ kind: 'backend', backend: chosen.backend, reason: chosen.reason });
    // Killed after registering the model but before the job was marked done: the work is finished.
    const saved = catalog.models.get(modelId);
    if (saved) return await resultOf(saved.card as unknown as ModelCard, input);
    if (familyMeta(input.options.hyper.arch)?.learned) return await trainLearned(catalog, input, io);
    return await train(catalog, input, io);
  } finally {
    catalog.close();
  }
});

async function train(catalog: Catalog, input: TrainJobInput, io: TaskIO<TrainProgress>): Promise<TrainResult> {
  const { options, modelId } = input;
  const from = await readCheckpoint(input.checkpointFile, modelId);
  // Each run of the job is one training run in the catalog; a resumed one carries the epochs before it.
  const runId = catalog.runs.begin({
    datasetId: options.dataset.id,
    params: { ...options, trainFiles: options.trainFiles.length, valFiles: options.valFiles.length, job: input.jobId },
  });
  for (const e of from?.history ?? []) catalog.runs.addEpoch(runId, e.epoch, epochMetrics(e));
  catalog.jobs.setDone(input.jobId, from?.history.length ?? 0);
  try {
    const trained = await trainAutoencoder(
      options,
      {
        ...io,
        progress: (p) => {
          if (p.kind === 'epoch') {
            catalog.runs.addEpoch(runId, p.epoch, epochMetrics(p));
            catalog.jobs.setDone(input.jobId, p.epoch);
          }
          io.progress(p);
        },
      },
      { modelId, ...(from ? { from } : {}), checkpoint: (c) => writeCheckpoint(input.checkpointFile, c) },
    );
    const dir = path.join(input.modelsDir, modelId);
    const card = { ...trained.card, id: modelId, decoderBytes: 0 };
    // A folder of this job's model id not in the catalog is a save a kill interrupted: ours to replace.
    await rm(dir, { recursive: true, force: true });
    const { weightsHash } = await saveModelDir(dir, trained.encoder, trained.decoder, card);
    trained.encoder.dispose();
    trained.decoder.dispose();
    const result = await resultOf(trained.card, input);
    catalog.transaction(() => {
      catalog.models.add({ id: modelId, name: options.name, datasetId: options.dataset.id, arch: card.arch, dir, weightsHash, card });
      catalog.runs.end(runId, 'done', result, modelId);
    });
    return result;
  } catch (err) {
    const cancelled = io.signal.aborted;
    catalog.runs.end(runId, cancelled ? 'cancelled' : 'failed', { error: (err as Error).message });
    throw err;
  }
}
