// The training worker's path for learned families: rate-distortion training (train-rd.ts) with a
// checkpoint after every epoch of steps, catalog run records, then the model folder (weights,
// CDF tables, card) saved atomically and registered.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../catalog/index.js';
import type { TrainResult } from '../contract/engine.js';
import { encodeImage } from '../imaging/index.js';
import type { TaskIO } from '../workers/task.js';
import { paramsHash, readLearnedWeights, saveLearnedDir } from './learned-io.js';
import type { EpochRecord, ModelCard, StartedFrom } from './model-card.js';
import { readCard } from './model-io.js';
import { familyMeta } from './models/families.js';
import { toBytes, type FloatImage } from '../imaging/pixels.js';
import { readRdCheckpoint, writeRdCheckpoint } from './train-rd-checkpoint.js';
import { trainRateDistortion, type LearnedHyper, type RdEpochRecord } from './train-rd.js';
import { startGainsAt } from './models/layers/gains.js';
import type { TrainJobInput } from './train-task.js';
import type { TrainProgress } from './train.js';
import { resultOf } from './train-task.js';

/** At most this many steps between checkpoints and validation. */
const MAX_STEPS_PER_EPOCH = 100;

async function png(img: FloatImage): Promise<string> {
  return (await encodeImage(toBytes(img), 'png')).toString('base64');
}

/** The epoch record the catalog and the v1 progress fields expect, from a rate-distortion epoch. */
function epochRecord(
  e: RdEpochRecord,
): EpochRecord & { bpp: number; psnr: number; valBpp: number; val: RdEpochRecord['val']; step: number } {
  const top = e.val.at(-1)!;
  return {
    epoch: e.epoch,
    loss: e.loss,
    valLoss: null,
    valPsnr: top.psnr,
    samplesPerSecond: e.samplesPerSecond,
    seconds: e.seconds,
    learningRate: e.learningRate,
    bpp: e.bpp,
    psnr: e.psnr,
    valBpp: top.bpp,
    val: e.val,
    step: e.step,
  };
}

export async function trainLearned(catalog: Catalog, input: TrainJobInput, io: TaskIO<TrainProgress>): Promise<TrainResult> {
  const { options: o, modelId } = input;
  const meta = familyMeta(o.hyper.arch)!;
  const hyper = o.hyper as unknown as LearnedHyper;
  const from = await readRdCheckpoint(input.checkpointFile, modelId);
  // A fine-tune reads its start model's weights; a resumed one records it but continues its checkpoint.
  let init: Float32Array[] | undefined;
  let startedFrom: StartedFrom | undefined;
  if (o.start) {
    const startCard = await readCard(o.start.dir);
    const stored = await readLearnedWeights(o.start.dir, startCard);
    const weights = stored.arrays;
    // Other rate points than the start model's (same count): each level starts at the gains it would have there.
    const startLambdas = (startCard.hyper as { lambdas?: number[] } | undefined)?.lambdas;
    if (!from) init = startLambdas ? startGainsAt(weights, stored.manifest, startLambdas, hyper.lambdas) : weights;
    startedFrom = {
      id: o.start.id,
      name: o.start.name,
      builtin: o.start.builtin,
      paramsHash: paramsHash(weights),
    };
  }
  const samplesPerEpoch = o.trainFiles.length * o.cropsPerImage;
  const stepsPerEpoch = Math.max(1, Math.min(MAX_STEPS_PER_EPOCH, Math.ceil(samplesPerEpoch / o.batchSize)));
  const budget = o.budget ?? {};
  const steps = budget.minutes === undefined ? (budget.steps ?? o.epochs * stepsPerEpoch) : budget.steps;
  const runId = catalog.runs.begin({
    datasetId: o.dataset.id,
    params: { ...o, trainFiles: o.trainFiles.length, valFiles: o.valFiles.length, job: input.jobId },
  });
  for (const e of from?.history ?? []) catalog.runs.addEpoch(runId, e.epoch, epochRecord(e));
  catalog.jobs.setDone(input.jobId, from?.history.length ?? 0);
  const started = performance.now();
  try {
    const trained = await trainRateDistortion(
      {
        hyper,
        channels: o.channels,
        distortion: o.loss,
        trainFiles: o.trainFiles,
        valFiles: o.valFiles,
        ...(o.maxPixels !== undefined ? { maxPixels: o.maxPixels } : {}),
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        seed: o.seed,
        ...(budget.minutes !== undefined ? { minutes: budget.minutes } : {}),
        ...(steps !== undefined ? { steps } : {}),
        stepsPerEpoch,
        warmupSteps: Math.min(100, Math.ceil((steps ?? 1000) / 50)),
        dropAt: 0.8,
        clipNorm: 1,
        // Small samples are cheap: validate on many; photo crops on a few.
        valSamples: meta.sampleEdge(o.hyper as never) <= 64 ? 256 : 16,
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
      },
      io as TaskIO<unknown>,
      {
        ...(from ? { from } : {}),
        ...(init ? { init } : {}),
        // What the training really starts from: the hash of the parameters before the first step.
        onStart: (params) => {
          if (startedFrom && init) startedFrom = { ...startedFrom, paramsHash: paramsHash(params.toArrays()) };
        },
        checkpoint: (s) => writeRdCheckpoint(input.checkpointFile, modelId, s),
        onBatch: (p) =>
          io.progress({
            kind: 'batch',
            epoch: p.epoch,
            batch: p.batch,
            loss: p.loss,
            samplesPerSecond: p.samplesPerSecond,
            etaSeconds: p.etaSeconds,
            fraction: p.fraction,
            step: p.step,
            bpp: p.bpp,
            psnr: p.psnr,
          }),
        onEpoch: async (e, strip) => {
          const rec = epochRecord(e);
          catalog.runs.addEpoch(runId, e.epoch, rec);
          catalog.jobs.setDone(input.jobId, e.epoch);
          const reconstructions = [];
          if (strip[0] && strip[0].original.width >= 8)
            for (const s of strip) reconstructions.push({ original: await png(s.original), reconstruction: await png(s.reconstruction) });
          const total =
            steps !== undefined
              ? Math.ceil(steps / stepsPerEpoch)
              : Math.max(e.epoch, Math.round((e.epoch / Math.max(e.elapsedSeconds, 1)) * budget.minutes! * 60));
          const left =
            budget.minutes !== undefined
              ? Math.max(0, budget.minutes * 60 - e.elapsedSeconds)
              : (e.elapsedSeconds / e.epoch) * (total - e.epoch);
          io.progress({ kind: 'epoch', epochs: total, etaSeconds: left, reconstructions, ...rec });
        },
      },
    );
    const last = trained.history.at(-1);
    const dir = path.join(input.modelsDir, modelId);
    const card: ModelCard = {
      cardVersion: 1,
      id: modelId,
      name: o.name,
      arch: o.hyper.arch,
      hyper: o.hyper,
      channels: o.channels,
      tile: 0,
      loss: o.loss,
      dataset: { id: o.dataset.id, name: o.dataset.name, trainImages: o.trainFiles.length, valImages: o.valFiles.length },
      dataStats: { mean: 0, std: 0, min: 0, max: 1, samples: 0 },
      training: {
        epochs: trained.history.length,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        seed: o.seed,
        backend: trained.backend,
        seconds: (from?.history.at(-1)?.elapsedSeconds ?? 0) + (performance.now() - started) / 1000,
        samplesPerSecond: trained.samplesPerSecond,
        stoppedEarly: false,
        noise: 'uniform[-0.5,0.5]',
        steps: trained.steps,
        ...(budget.minutes !== undefined ? { minutes: budget.minutes } : {}),
      },
      history: trained.history.map(epochRecord),
      codeRange: { min: 0, max: 0 },
      params: {
        encoder: trained.params.count(['analysis', 'hyper-analysis', 'hyper-synthesis']),
        decoder: trained.params.count(['synthesis', 'hyper-synthesis']),
      },
      decoderBytes: 0,
      mac: meta.mac(o.hyper as never, o.channels),
      rd: last?.val ?? [],
      ...(startedFrom ? { startedFrom: { ...startedFrom, ...(trained.startVal ? { rd: trained.startVal } : {}) } } : {}),
      createdAt: new Date().toISOString(),
    };
    await rm(dir, { recursive: true, force: true });
    const { weightsHash, decoderBytes } = await saveLearnedDir(dir, trained.params, trained.tables, card);
    trained.params.dispose();
    const saved: ModelCard = { ...card, decoderBytes };
    const result = await resultOf(saved, input);
    catalog.transaction(() => {
      catalog.models.add({ id: modelId, name: o.name, datasetId: o.dataset.id, arch: card.arch, dir, weightsHash, card: saved });
      catalog.runs.end(runId, 'done', result, modelId);
    });
    return result;
  } catch (err) {
    catalog.runs.end(runId, io.signal.aborted ? 'cancelled' : 'failed', { error: (err as Error).message });
    throw err;
  }
}
