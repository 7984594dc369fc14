// Turns a train request and a catalog dataset into concrete training options: which files,
// gray or RGB, which architecture and hyperparameters (defaults follow the data and the seed).
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import { checkImagePixels } from '../imaging/pixel-limit.js';
import type { TrainRequest } from '../contract/engine.js';
import type { Hyper } from './model-card.js';
import { defaultFamily, familyMeta } from './models/families.js';
import { defaultMinutes, fineTuneRateFactor } from './models/family-meta.js';
import { defaultTrainWorkers } from './parallel/workers.js';
import { chooseStart, findInitModel } from './train-start.js';
import type { TrainOptions } from './train.js';

export function newModelId(): string {
  return `m-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TrainPlan {
  options: TrainOptions;
  /** Typical image size of the dataset (for the code-size report). */
  typical: { width: number; height: number };
  /** Why the training starts from scratch although a base model exists, if it does. */
  note?: string;
}

/** `maxPixels`: the largest image the training reads; a bigger one is refused here, before any work. */
export function planTraining(req: TrainRequest, catalog: Catalog, maxPixels = DEFAULT_MAX_PIXELS): TrainPlan {
  const dataset = catalog.datasets.byName(req.dataset);
  if (!dataset) throw new StudioError('not-found', `dataset '${req.dataset}' is not in the catalog (import images first)`);
  const images = catalog.images.forDataset(dataset.id);
  if (images.length === 0) throw new StudioError('bad-request', `dataset '${req.dataset}' has no images`);
  for (const i of images) checkImagePixels(i.path, i.width, i.height, maxPixels);
  const train = images.filter((i) => i.split === 'train');
  const val = images.filter((i) => i.split === 'val');
  const trainImages = train.length > 0 ? train : images;

  const color = req.color ?? 'auto';
  const channels: 1 | 3 = color === 'gray' ? 1 : color === 'rgb' ? 3 : images.every((i) => i.channels === 1) ? 1 : 3;
  const maxEdge = Math.max(...images.map((i) => Math.max(i.width, i.height)));
  const typical = { width: median(images.map((i) => i.width)), height: median(images.map((i) => i.height)) };
  if (req.initFrom && req.fromScratch) throw new StudioError('bad-request', '--init-from and --from-scratch exclude each other');
  const init = req.initFrom ? findInitModel(catalog, req.initFrom) : undefined;
  const arch = req.arch ?? init?.arch ?? defaultFamily(maxEdge);
  const meta = familyMeta(arch);
  if (!meta) throw new StudioError('bad-request', `unknown model family '${arch}'`);
  const start = chooseStart(req, catalog, meta, channels, meta.hyper(req, { channels, maxEdge, typical }) as Hyper, init);
  const hyper = start.hyper;
  const sampleEdge = meta.sampleEdge(hyper as never);
  const wholeImages = images.every((i) => i.width === sampleEdge && i.height === sampleEdge);
  return {
    typical,
    options: {
      name: req.name ?? `${req.dataset} ${arch}`,
      dataset: { id: dataset.id, name: dataset.name },
      trainFiles: trainImages.map((i) => i.path),
      valFiles: val.map((i) => i.path),
      hyper,
      channels,
      // v1 families keep the seed's rule (binary cross-entropy for inputs in [0, 1]); learned ones use MSE.
      loss: req.loss ?? meta.defaultLoss,
      epochs: req.epochs ?? 20,
      batchSize: req.batchSize ?? meta.batchSizeFor?.(hyper as never) ?? meta.defaultBatchSize,
      learningRate: req.learningRate ?? (start.from ? meta.defaultLearningRate * fineTuneRateFactor(maxEdge) : meta.defaultLearningRate),
      ...(meta.learned ? { budget: learnedBudget(req, maxEdge), workers: req.workers ?? defaultTrainWorkers() } : {}),
      seed: req.seed ?? Math.floor(Math.random() * 2 ** 31),
      patience: req.patience ?? 5,
      cropsPerImage: wholeImages ? 1 : meta.cropsPerImage,
      maxPixels,
      ...(start.from ? { start: start.from } : {}),
    },
    ...(start.note ? { note: start.note } : {}),
  };
}

/**
 * A learned family trains for a budget: the request's steps or minutes, else (when epochs were
 * not asked for either) the default minutes for the image size. Asked-for epochs keep their meaning.
 */
function learnedBudget(req: TrainRequest, maxEdge: number): { minutes?: number; steps?: number } {
  if (req.minutes !== undefined) return { minutes: req.minutes, ...(req.steps !== undefined ? { steps: req.steps } : {}) };
  if (req.steps !== undefined) return { steps: req.steps };
  if (req.epochs !== undefined) return {};
  return { minutes: defaultMinutes(maxEdge) };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
