// Real image fixtures and quick training options for engine, codec and eval tests.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { TaskIO } from '../../src-main/core/workers/task.js';
import type { TrainOptions } from '../../src-main/core/engine/train.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

export function fixtureFiles(set: 'digits' | 'landscapes-small'): string[] {
  const dir = path.join(FIXTURES, set);
  return readdirSync(dir)
    .filter((f) => /\.(png|jpe?g)$/i.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Digits split deterministically: every fifth file validates. */
export function digitSplit(): { train: string[]; val: string[] } {
  const all = fixtureFiles('digits');
  return { train: all.filter((_, i) => i % 5 !== 0), val: all.filter((_, i) => i % 5 === 0) };
}

export function denseDigitOptions(over: Partial<TrainOptions> = {}): TrainOptions {
  const { train, val } = digitSplit();
  return {
    name: 'test dense',
    dataset: { id: null, name: null },
    trainFiles: train,
    valFiles: val,
    hyper: { arch: 'dense', tile: 20, encoderLayers: [128, 64], decoderLayers: [64, 128], codeSize: 16, activation: 'relu' },
    channels: 1,
    loss: 'bce',
    epochs: 12,
    batchSize: 32,
    learningRate: 2e-3,
    seed: 7,
    patience: 0,
    cropsPerImage: 1,
    ...over,
  };
}

export function convPhotoOptions(over: Partial<TrainOptions> = {}): TrainOptions {
  const files = fixtureFiles('landscapes-small');
  return {
    name: 'test conv',
    dataset: { id: null, name: null },
    trainFiles: files.slice(1),
    valFiles: files.slice(0, 1),
    hyper: {
      arch: 'conv',
      downsampling: 8,
      filters: [12, 16, 16],
      codeChannels: 4,
      kernelSize: 5,
      activation: 'relu',
      crop: 32,
      tile: 256,
    },
    channels: 3,
    loss: 'mse',
    epochs: 8,
    batchSize: 8,
    learningRate: 3e-3,
    seed: 3,
    patience: 0,
    cropsPerImage: 16,
    ...over,
  };
}

/** A TaskIO for running training in-process; collects progress. */
export function collectingIO<P>(onProgress?: (p: P) => void): TaskIO<P> & { events: P[]; controller: AbortController } {
  const controller = new AbortController();
  const events: P[] = [];
  return {
    events,
    controller,
    signal: controller.signal,
    progress: (p) => {
      events.push(p);
      onProgress?.(p);
    },
    async checkpoint() {
      if (controller.signal.aborted) {
        const e = new Error('cancelled');
        e.name = 'AbortError';
        throw e;
      }
    },
  };
}
