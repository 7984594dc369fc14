// The factorized-prior family (Balle et al. 2017 with the 2018 non-parametric density): declaration.
import { z } from 'zod';
import { DEFAULT_LAMBDAS, type FamilyMeta } from '../family-meta.js';
import { ConvWidth, Lambdas } from '../layers/hyper-schema.js';
import { analysisMac, synthesisMac } from '../layers/mac.js';

export const FactorizedHyper = z
  .object({
    arch: z.literal('factorized'),
    n: ConvWidth,
    m: ConvWidth,
    lambdas: Lambdas,
    crop: z.number().int().min(16).max(1024),
  })
  .strict();
export type FactorizedHyper = z.infer<typeof FactorizedHyper>;

export const factorizedMeta: FamilyMeta<FactorizedHyper> = {
  name: 'factorized',
  formatId: 1,
  label: 'Factorized prior',
  description: 'Balle 2017: GDN conv transforms (x/16), one learned density per latent channel. Photos.',
  learned: true,
  options: ['channels', 'codeChannels', 'lambdas', 'tile'],
  hyperSchema: FactorizedHyper,
  hyper: (req) => ({
    arch: 'factorized',
    n: req.channels ?? 64,
    m: req.codeChannels ?? 96,
    lambdas: [...(req.lambdas ?? DEFAULT_LAMBDAS)].sort((a, b) => a - b),
    crop: req.tile && req.tile > 0 ? Math.max(16, Math.round(req.tile / 16) * 16) : 128,
  }),
  presets: [
    { id: 'photo-small', label: 'Photos · fast (N 32, M 64)', options: { channels: 32, codeChannels: 64 } },
    { id: 'photo', label: 'Photos · balanced (N 64, M 96)', options: { channels: 64, codeChannels: 96 } },
  ],
  mac: (h, channels) => ({ encoder: analysisMac(channels, h.n, h.m), decoder: synthesisMac(channels, h.n, h.m) }),
  weightGroups: ['analysis', 'synthesis', 'entropy'],
  codeValues: (h, w, hh) => Math.ceil(w / 16) * Math.ceil(hh / 16) * h.m,
  cropsPerImage: 8,
  sampleEdge: (h) => h.crop,
  defaultLoss: 'mse',
  defaultBatchSize: 8,
  defaultLearningRate: 1e-3,
};
