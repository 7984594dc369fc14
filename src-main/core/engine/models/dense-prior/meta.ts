// The stacked fully-connected autoencoder (the project's first model) with a factorized density on its code, trained for
// rate and distortion: for small images (digits, Fashion-MNIST) and small tiles. Declaration.
import { z } from 'zod';
import { defaultDenseLayers } from '../layers/dense-widths.js';
import type { FamilyMeta } from '../family-meta.js';
import { Lambdas } from '../layers/hyper-schema.js';

const Width = z.number().int().min(1).max(16384);

export const DensePriorHyper = z
  .object({
    arch: z.literal('dense-prior'),
    tile: z.number().int().min(2).max(256),
    encoderLayers: z.array(Width).max(8),
    decoderLayers: z.array(Width).max(8),
    codeSize: z.number().int().min(1).max(4096),
    activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid']),
    lambdas: Lambdas,
  })
  .strict();
export type DensePriorHyper = z.infer<typeof DensePriorHyper>;

/** Small images have few pixels per code: their lambdas sit higher than the photo families'. */
export const DENSE_PRIOR_LAMBDAS = [0.003, 0.01, 0.03, 0.1];

export const densePriorMeta: FamilyMeta<DensePriorHyper> = {
  name: 'dense-prior',
  formatId: 3,
  label: 'Dense + factorized prior',
  description:
    'A small fully-connected autoencoder for images of at most 64 px (digits, icons, thumbnails), trained for both file size and quality.',
  learned: true,
  options: ['codeSize', 'layers', 'decoderLayers', 'activation', 'loss', 'tile', 'lambdas'],
  hyperSchema: DensePriorHyper,
  hyper: (req, facts) => {
    const tile = req.tile && req.tile > 0 ? req.tile : facts.maxEdge <= 64 ? Math.max(facts.typical.width, facts.typical.height) : 16;
    const codeSize = req.codeSize ?? 64;
    const encoderLayers = req.layers ?? defaultDenseLayers(tile * tile * facts.channels, codeSize);
    return {
      arch: 'dense-prior',
      tile,
      encoderLayers,
      decoderLayers: req.decoderLayers ?? [...encoderLayers].reverse(),
      codeSize,
      activation: req.activation ?? 'relu',
      lambdas: [...(req.lambdas ?? DENSE_PRIOR_LAMBDAS)].sort((a, b) => a - b),
    };
  },
  presets: [
    { id: 'digits', label: 'Digits · 20 px (code 32)', options: { codeSize: 32 } },
    { id: 'small', label: 'Small images · 28 px (code 64)', options: { codeSize: 64 } },
  ],
  mac: (h, channels) => {
    const px = h.tile * h.tile;
    const chain = (widths: number[]) => widths.slice(1).reduce((s, w, i) => s + w * widths[i]!, 0);
    return {
      encoder: chain([px * channels, ...h.encoderLayers, h.codeSize]) / px,
      decoder: chain([h.codeSize, ...h.decoderLayers, px * channels]) / px,
    };
  },
  weightGroups: ['analysis', 'synthesis', 'entropy'],
  codeValues: (h, w, hh) => Math.ceil(w / h.tile) * Math.ceil(hh / h.tile) * h.codeSize,
  cropsPerImage: 32,
  sampleEdge: (h) => h.tile,
  defaultLoss: 'mse',
  defaultBatchSize: 64,
  defaultLearningRate: 1e-3,
};
