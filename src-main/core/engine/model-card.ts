// The model card: everything needed to rebuild, judge and reproduce a trained autoencoder.
// Saved as card.json beside the tfjs weights; the catalog stores a copy.

export type Activation = 'relu' | 'elu' | 'tanh' | 'sigmoid';
export type LossName = 'bce' | 'mse';

/** The seed's stacked fully-connected autoencoder, on TxT tiles (T = image size for small images). */
export interface DenseHyper {
  arch: 'dense';
  /** Tile edge in pixels; each tile is one input vector of tile*tile*channels values. */
  tile: number;
  /** Encoder hidden layer widths, outermost first (e.g. [256, 64]). */
  encoderLayers: number[];
  /** Decoder hidden layer widths, innermost first; the mirror of encoderLayers by default. */
  decoderLayers: number[];
  codeSize: number;
  activation: Activation;
}

/** Fully convolutional autoencoder for photographs: any size, downsampling 8 or 16. */
export interface ConvHyper {
  arch: 'conv';
  downsampling: 8 | 16;
  /** Filters of each stride-2 stage of the encoder (log2(downsampling) entries); mirrored in the decoder. */
  filters: number[];
  codeChannels: number;
  kernelSize: number;
  activation: Activation;
  /** Random crop edge for training. */
  crop: number;
  /** Inference tile edge (pixels) for large images; halo added on each side. */
  tile: number;
}

import type { DensePriorHyper } from './models/dense-prior/meta.js';
import { familyMeta } from './models/families.js';
import type { FactorizedHyper } from './models/factorized/meta.js';
import type { HyperpriorHyper } from './models/hyperprior/meta.js';

export type LearnedHyper = FactorizedHyper | HyperpriorHyper | DensePriorHyper;
export type Hyper = DenseHyper | ConvHyper | LearnedHyper;

/** One point of a learned model's validation curve (entropy-model rate of the rounded latents). */
export interface RdPoint {
  lambda: number;
  bpp: number;
  psnr: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  valLoss: number | null;
  valPsnr: number | null;
  samplesPerSecond: number;
  seconds: number;
  learningRate: number;
}

export interface ModelCard {
  /** Card format; bump when fields change meaning. */
  cardVersion: 1;
  id: string;
  name: string;
  arch: Hyper['arch'];
  hyper: Hyper;
  /** 1 grayscale, 3 RGB: how images are read for this model. */
  channels: 1 | 3;
  /** Tile edge recorded in .latent files (dense: the tile; conv: 0, the grid covers the image). */
  tile: number;
  loss: LossName;
  dataset: { id: number | null; name: string | null; trainImages: number; valImages: number };
  dataStats: { mean: number; std: number; min: number; max: number; samples: number };
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    seed: number;
    backend: string;
    seconds: number;
    samplesPerSecond: number;
    stoppedEarly: boolean;
    noise: 'uniform[-0.5,0.5]';
    /** Learned families: optimizer steps and the wall-clock budget they had. */
    steps?: number;
    minutes?: number;
  };
  history: EpochRecord[];
  /** Observed code values on training data (for the quantizer). */
  codeRange: { min: number; max: number };
  /** Parameters of encoder and decoder. */
  params: { encoder: number; decoder: number };
  /** Bytes of the decoder's weights (effective bpp spreads them over the images served). */
  decoderBytes: number;
  /** Learned families: multiply-accumulates per pixel, and the validation curve (one point per lambda). */
  mac?: { encoder: number; decoder: number };
  rd?: RdPoint[];
  /** The model whose weights training started from (a built-in base or --init-from), with the hash of those weights. */
  startedFrom?: StartedFrom;
  /** Built-in base models: the hash of the decoder's weights and tables (what the catalog registers). */
  weightsHash?: string;
  createdAt: string;
}

export interface StartedFrom {
  id: string;
  name: string;
  builtin: boolean;
  /** sha256 of every parameter the training started with (float32, manifest order). */
  paramsHash: string;
  /** The start weights' curve on this training's validation data before the first step (what fine-tuning started from). */
  rd?: RdPoint[];
}

/** Code values per image (continuous; the codec's quantizer and entropy coder decide the bytes), from the family's declaration. */
export function codeValuesPerImage(hyper: Hyper, width: number, height: number): number {
  const meta = familyMeta(hyper.arch);
  return meta ? meta.codeValues(hyper as never, width, height) : 0;
}
