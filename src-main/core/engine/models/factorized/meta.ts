// The factorized-prior family (Balle et al. 2017 with the 2018 non-parametric density): declaration.
import { z } from 'zod';
import { DEFAULT_LAMBDAS, SMALL_IMAGE_EDGE, type FamilyMeta } from '../family-meta.js';
import { ConvWidth, Lambdas } from '../layers/hyper-schema.js';
import { analysisMac, synthesisMac } from '../layers/mac.js';

/** Small images (digits, Fashion-MNIST) get two stages: a 28x28 image keeps a 7x7 latent grid. */
const SMALL_STAGES = 2;
/** Small images have few pixels per latent: their lambdas sit higher than the photos'. */
export const SMALL_LAMBDAS = [0.001, 0.003, 0.008, 0.02];

export function stagesOf(h: FactorizedHyper): number {
  return h.stages ?? 4;
}

export const FactorizedHyper = z
  .object({
    arch: z.literal('factorized'),
    n: ConvWidth,
    m: ConvWidth,
    lambdas: Lambdas,
    crop: z.number().int().min(4).max(1024),
    /** Stride-2 stages (x/2^stages); absent means 4, the photo design. */
    stages: z.number().int().min(2).max(4).optional(),
  })
  .strict();
export type FactorizedHyper = z.infer<typeof FactorizedHyper>;

export const factorizedMeta: FamilyMeta<FactorizedHyper> = {
  name: 'factorized',
  formatId: 1,
  label: 'Factorized prior',
  description:
    'Convolutional codec for photos and small images (Ballé 2017): each code channel has its own learned model of its values. The fastest learned family.',
  learned: true,
  options: ['channels', 'codeChannels', 'lambdas', 'tile'],
  hyperSchema: FactorizedHyper,
  hyper: (req, facts) => {
    if (facts.maxEdge <= SMALL_IMAGE_EDGE) {
      // Whole images are the samples: the crop is the largest edge, rounded up to the grid.
      const unit = 2 ** SMALL_STAGES;
      const edge = req.tile && req.tile > 0 ? req.tile : facts.maxEdge;
      return {
        arch: 'factorized',
        n: req.channels ?? 64,
        m: req.codeChannels ?? 12,
        lambdas: [...(req.lambdas ?? SMALL_LAMBDAS)].sort((a, b) => a - b),
        crop: Math.max(unit, Math.ceil(edge / unit) * unit),
        stages: SMALL_STAGES,
      };
    }
    return {
      arch: 'factorized',
      n: req.channels ?? 64,
      m: req.codeChannels ?? 96,
      lambdas: [...(req.lambdas ?? DEFAULT_LAMBDAS)].sort((a, b) => a - b),
      crop: req.tile && req.tile > 0 ? Math.max(16, Math.round(req.tile / 16) * 16) : 128,
    };
  },
  presets: [
    { id: 'photo-small', label: 'Photos · fast (N 32, M 64)', options: { channels: 32, codeChannels: 64 } },
    { id: 'photo', label: 'Photos · balanced (N 64, M 96)', options: { channels: 64, codeChannels: 96 } },
  ],
  mac: (h, channels) => ({
    encoder: analysisMac(channels, h.n, h.m, stagesOf(h)),
    decoder: synthesisMac(channels, h.n, h.m, stagesOf(h)),
  }),
  weightGroups: ['analysis', 'synthesis', 'entropy'],
  codeValues: (h, w, hh) => Math.ceil(w / 2 ** stagesOf(h)) * Math.ceil(hh / 2 ** stagesOf(h)) * h.m,
  cropsPerImage: 8,
  trainingOnly: ['crop'],
  countOnly: ['lambdas'],
  sampleEdge: (h) => h.crop,
  defaultLoss: 'mse',
  defaultBatchSize: 8,
  // Whole small images are 20x cheaper than a photo crop: a larger batch uses the time better.
  batchSizeFor: (h) => (stagesOf(h) < 4 ? 32 : 8),
  defaultLearningRate: 1e-3,
};
