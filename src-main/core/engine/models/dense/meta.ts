// The stacked fully-connected autoencoder (the project's first model), reconstruction-trained (format v1): declaration.
import { z } from 'zod';
import { defaultDenseLayers } from '../layers/dense-widths.js';
import type { FamilyMeta } from '../family-meta.js';

const Width = z.number().int().min(1).max(16384);

export const DenseHyper = z
  .object({
    arch: z.literal('dense'),
    tile: z.number().int().min(1).max(1024),
    encoderLayers: z.array(Width).max(8),
    decoderLayers: z.array(Width).max(8),
    codeSize: z.number().int().min(1).max(4096),
    activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid']),
  })
  .strict();

export const denseMeta: FamilyMeta<z.infer<typeof DenseHyper>> = {
  name: 'dense',
  formatId: null,
  label: 'Dense autoencoder (no entropy model)',
  description:
    'Fully-connected autoencoder trained for reconstruction only; quality sets a quantizer step. Kept for models made before the learned families.',
  learned: false,
  options: ['codeSize', 'layers', 'decoderLayers', 'activation', 'loss', 'tile'],
  hyperSchema: DenseHyper,
  hyper: (req, facts) => {
    const tile = req.tile && req.tile > 0 ? req.tile : facts.maxEdge <= 64 ? Math.max(facts.typical.width, facts.typical.height) : 16;
    const codeSize = req.codeSize ?? 32;
    const encoderLayers = req.layers ?? defaultDenseLayers(tile * tile * facts.channels, codeSize);
    return {
      arch: 'dense',
      tile,
      encoderLayers,
      decoderLayers: req.decoderLayers ?? [...encoderLayers].reverse(),
      codeSize,
      activation: req.activation ?? 'relu',
    };
  },
  presets: [],
  mac: (h, channels) => {
    const px = h.tile * h.tile;
    const chain = (widths: number[]) => widths.slice(1).reduce((s, w, i) => s + w * widths[i]!, 0);
    return {
      encoder: chain([px * channels, ...h.encoderLayers, h.codeSize]) / px,
      decoder: chain([h.codeSize, ...h.decoderLayers, px * channels]) / px,
    };
  },
  weightGroups: ['encoder', 'decoder'],
  codeValues: (h, w, hh) => Math.ceil(w / h.tile) * Math.ceil(hh / h.tile) * h.codeSize,
  cropsPerImage: 32,
  sampleEdge: (h) => h.tile,
  defaultLoss: 'bce',
  defaultBatchSize: 64,
  defaultLearningRate: 2e-3,
};
