// Turns a train request and a catalog dataset into concrete training options: which files,
// gray or RGB, which architecture and hyperparameters (defaults follow the data and the seed).
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import type { TrainRequest } from '../contract/engine.js';
import { defaultDenseLayers, type Hyper } from './model-card.js';
import type { TrainOptions } from './train.js';

/** Images up to this edge train the dense model on the whole image by default. */
const SMALL_IMAGE = 64;

export function newModelId(): string {
  return `m-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TrainPlan {
  options: TrainOptions;
  /** Typical image size of the dataset (for the code-size report). */
  typical: { width: number; height: number };
}

export function planTraining(req: TrainRequest, catalog: Catalog): TrainPlan {
  const dataset = catalog.datasets.byName(req.dataset);
  if (!dataset) throw new StudioError('not-found', `dataset '${req.dataset}' is not in the catalog (import images first)`);
  const images = catalog.images.forDataset(dataset.id);
  if (images.length === 0) throw new StudioError('bad-request', `dataset '${req.dataset}' has no images`);
  const train = images.filter((i) => i.split === 'train');
  const val = images.filter((i) => i.split === 'val');
  const trainImages = train.length > 0 ? train : images;

  const color = req.color ?? 'auto';
  const channels: 1 | 3 = color === 'gray' ? 1 : color === 'rgb' ? 3 : images.every((i) => i.channels === 1) ? 1 : 3;
  const maxEdge = Math.max(...images.map((i) => Math.max(i.width, i.height)));
  const typical = { width: median(images.map((i) => i.width)), height: median(images.map((i) => i.height)) };
  const arch = req.arch ?? (maxEdge <= SMALL_IMAGE ? 'dense' : 'conv');

  let hyper: Hyper;
  if (arch === 'dense') {
    const tile = req.tile && req.tile > 0 ? req.tile : maxEdge <= SMALL_IMAGE ? Math.max(typical.width, typical.height) : 16;
    const codeSize = req.codeSize ?? 32;
    const encoderLayers = req.layers ?? defaultDenseLayers(tile * tile * channels, codeSize);
    hyper = {
      arch: 'dense',
      tile,
      encoderLayers,
      decoderLayers: req.decoderLayers ?? [...encoderLayers].reverse(),
      codeSize,
      activation: req.activation ?? 'relu',
    };
  } else {
    const downsampling = req.downsample ?? 8;
    const width = req.channels ?? 48;
    const crop = req.tile && req.tile > 0 ? Math.max(downsampling, Math.round(req.tile / downsampling) * downsampling) : 64;
    hyper = {
      arch: 'conv',
      downsampling,
      filters: Array.from({ length: Math.log2(downsampling) }, () => width),
      codeChannels: req.codeChannels ?? 8,
      kernelSize: 5,
      activation: req.activation ?? 'relu',
      crop,
      tile: 256,
    };
  }
  const sampleEdge = hyper.arch === 'dense' ? hyper.tile : hyper.crop;
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
      // The seed's rule: binary cross-entropy for inputs in [0, 1], which pixels scaled by 1/255 are.
      loss: req.loss ?? 'bce',
      epochs: req.epochs ?? 20,
      batchSize: req.batchSize ?? (arch === 'dense' ? 64 : 16),
      learningRate: req.learningRate ?? (arch === 'dense' ? 2e-3 : 1e-3),
      seed: req.seed ?? Math.floor(Math.random() * 2 ** 31),
      patience: req.patience ?? 5,
      cropsPerImage: wholeImages ? 1 : arch === 'dense' ? 32 : 8,
    },
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
