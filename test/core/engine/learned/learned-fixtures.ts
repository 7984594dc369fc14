// Shared pieces of the learned-family tests: tiny hyperparameters of every learned family, the
// photo and digit fixtures, runtimes built without training, a minimal model card, comparisons.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelCard } from '../../../../src-main/core/engine/model-card.js';
import type { DensePriorHyper } from '../../../../src-main/core/engine/models/dense-prior/meta.js';
import type { FactorizedHyper } from '../../../../src-main/core/engine/models/factorized/meta.js';
import type { HyperpriorHyper } from '../../../../src-main/core/engine/models/hyperprior/meta.js';
import type { LearnedImpl, LearnedRuntime } from '../../../../src-main/core/engine/models/learned.js';
import { learnedImpl } from '../../../../src-main/core/engine/models/registry.js';
import { toFloat, type FloatImage } from '../../../../src-main/core/imaging/pixels.js';
import { crop } from '../../../../src-main/core/engine/float-image.js';
import type { RdTrainOptions } from '../../../../src-main/core/engine/train-rd.js';
import { readImage } from '../../../../src-main/core/imaging/index.js';
import { FIXTURES } from '../../../helpers/engine-fixtures.js';

export type TinyHyper = FactorizedHyper | HyperpriorHyper | DensePriorHyper;

export const LAMBDAS = [0.002, 0.012, 0.06];

export const TINY_FACTORIZED: FactorizedHyper = { arch: 'factorized', n: 8, m: 8, lambdas: LAMBDAS, crop: 32 };
export const TINY_HYPERPRIOR: HyperpriorHyper = { arch: 'hyperprior', n: 8, m: 8, lambdas: LAMBDAS, crop: 64 };
export const TINY_DENSE_PRIOR: DensePriorHyper = {
  arch: 'dense-prior',
  tile: 8,
  encoderLayers: [32],
  decoderLayers: [24],
  codeSize: 8,
  activation: 'relu',
  lambdas: LAMBDAS,
};

export interface FamilyCase {
  name: TinyHyper['arch'];
  hyper: TinyHyper;
  channels: 1 | 3;
  /** Edge of a training sample that the family's forward pass accepts. */
  edge: number;
  /** Number of entropy-coded streams per image. */
  streams: number;
}

export const CASES: FamilyCase[] = [
  { name: 'factorized', hyper: TINY_FACTORIZED, channels: 3, edge: 32, streams: 1 },
  { name: 'hyperprior', hyper: TINY_HYPERPRIOR, channels: 3, edge: 64, streams: 2 },
  { name: 'dense-prior', hyper: TINY_DENSE_PRIOR, channels: 1, edge: 8, streams: 1 },
];

export function implOf(c: FamilyCase): LearnedImpl<TinyHyper> {
  return learnedImpl<TinyHyper>(c.name);
}

/** Latent channels the gain vectors scale (M for the conv families, the code size for dense-prior). */
export function gainChannels(h: TinyHyper): number {
  return h.arch === 'dense-prior' ? h.codeSize : h.m;
}

/**
 * A built (untrained) runtime with its tables. Gain rows are set to `gains[level]` for every channel
 * (when given), so the levels code visibly different symbol ranges without training.
 */
export function builtRuntime(c: FamilyCase, seed = 1, gains?: number[]): LearnedRuntime<TinyHyper> {
  const impl = implOf(c);
  const params = impl.build(c.hyper, c.channels, seed);
  if (gains) {
    const k = gainChannels(c.hyper);
    const levels = c.hyper.lambdas.length;
    if (gains.length !== levels) throw new Error('one gain per level');
    const g = Float32Array.from({ length: levels * k }, (_, i) => gains[Math.floor(i / k)]!);
    const ig = g.map((v) => 1 / v);
    tf.tidy(() => {
      params.get('gain').assign(tf.tensor2d(g, [levels, k]));
      params.get('igain').assign(tf.tensor2d(ig, [levels, k]));
    });
  }
  return { hyper: c.hyper, channels: c.channels, params, tables: impl.buildTables(params, c.hyper) };
}

export function photoFiles(): string[] {
  const dir = path.join(FIXTURES, 'codec', 'photos');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function digitFiles(): string[] {
  const dir = path.join(FIXTURES, 'digits');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function trainFilesOf(c: FamilyCase): string[] {
  return c.channels === 1 ? digitFiles().slice(0, 16) : photoFiles();
}

/** A test image of the case's channels: a photo crop (odd size unless given) or a 20x20 digit. */
export async function testImage(c: FamilyCase, width = 50, height = 37): Promise<FloatImage> {
  if (c.channels === 1) return toFloat(await readImage(digitFiles()[7]!, { channels: 1 }), 1);
  const img = toFloat(await readImage(photoFiles()[1]!, { channels: 3 }), 3);
  return crop(img, 3, 5, width, height);
}

export function tinyCard(c: FamilyCase, id: string): ModelCard {
  return {
    cardVersion: 1,
    id,
    name: `tiny ${c.name}`,
    arch: c.name,
    hyper: c.hyper,
    channels: c.channels,
    tile: 0,
    loss: 'mse',
    dataset: { id: null, name: null, trainImages: 0, valImages: 0 },
    dataStats: { mean: 0, std: 0, min: 0, max: 1, samples: 0 },
    training: {
      epochs: 0,
      batchSize: 1,
      learningRate: 1e-3,
      seed: 1,
      backend: 'wasm',
      seconds: 0,
      samplesPerSecond: 0,
      stoppedEarly: false,
      noise: 'uniform[-0.5,0.5]',
    },
    history: [],
    codeRange: { min: 0, max: 0 },
    params: { encoder: 0, decoder: 0 },
    decoderBytes: 0,
    createdAt: new Date(0).toISOString(),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Index of the first element where a and b differ (bitwise for floats), or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

export function totalBytes(streams: Uint8Array[]): number {
  return streams.reduce((n, s) => n + s.length, 0);
}

/** Rate-distortion training options for a tiny run of the case (a handful of steps, small batches). */
export function rdOptions(c: FamilyCase, over: Partial<RdTrainOptions> = {}): RdTrainOptions {
  const files = trainFilesOf(c);
  return {
    hyper: c.hyper,
    channels: c.channels,
    distortion: 'mse',
    trainFiles: files,
    valFiles: files.slice(0, 2),
    batchSize: c.name === 'dense-prior' ? 8 : 2,
    learningRate: 5e-3,
    seed: 17,
    steps: 2,
    stepsPerEpoch: 2,
    warmupSteps: 0,
    dropAt: 0.8,
    clipNorm: 1,
    valSamples: 2,
    ...over,
  };
}
