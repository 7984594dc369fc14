// The mean-scale hyperprior family (Minnen et al. 2018 without the autoregressive context): declaration.
import { z } from 'zod';
import type { DataFacts, FamilyMeta } from '../family-meta.js';
import { ConvWidth, Lambdas } from '../layers/hyper-schema.js';
import { analysisMac, convMac, synthesisMac } from '../layers/mac.js';

export const HyperpriorHyper = z
  .object({
    arch: z.literal('hyperprior'),
    n: ConvWidth,
    m: ConvWidth,
    lambdas: Lambdas,
    crop: z.number().int().min(64).max(1024),
  })
  .strict();
export type HyperpriorHyper = z.infer<typeof HyperpriorHyper>;

/** Hyper-analysis and hyper-synthesis MAC per pixel (y is at 1/256 of the pixels, z at 1/4096). */
function hyperMac(n: number, m: number): { analysis: number; synthesis: number } {
  return {
    analysis: convMac(3, m, n) / 256 + convMac(5, n, n) / 1024 + convMac(5, n, n) / 4096,
    synthesis: convMac(3, n, 4 * n) / 4096 + convMac(3, n, 4 * n) / 1024 + convMac(3, n, 2 * m) / 256,
  };
}

/**
 * The photo family's rate points, lowest first; fine-tunes of base-photo (trained at 0.002-0.05)
 * train at them too (countOnlyFollowDefaults). Landscapes, 30-minute fine-tunes on 256x256 crops,
 * 11 test photos: at these the model beats JPEG by 9.7 % (BD-rate over its whole 26.0-29.3 dB) and
 * spans 5.0x in rate; at 0.0008-0.05 by 2.5 % over 3.3x; at the base's own by none (+17 %, 128x128
 * crops). Low rates are where a small learned model wins; its curve flattens near 29.5 dB.
 */
export const PHOTO_LAMBDAS = [0.0004, 0.0017, 0.007, 0.03];

/**
 * Training crops: 256x256 where the images are big enough, else 128x128. The shipped base-photo was
 * last trained on 256x256 crops; fine-tuned on the landscapes for 30 minutes at 128x128 it lost
 * ground to the base alone (+1.3 % BD-rate), at 256x256 it gained on it (docs/results.md).
 */
function defaultCrop(facts: DataFacts): number {
  return Math.min(facts.typical.width, facts.typical.height) >= 256 ? 256 : 128;
}

export const hyperpriorMeta: FamilyMeta<HyperpriorHyper> = {
  name: 'hyperprior',
  formatId: 2,
  label: 'Mean-scale hyperprior',
  description:
    'Convolutional codec for photos (Minnen 2018): a small side code predicts how every part of the image is distributed, so files are smaller than with the factorized prior; a little slower.',
  learned: true,
  options: ['channels', 'codeChannels', 'lambdas', 'tile'],
  hyperSchema: HyperpriorHyper,
  hyper: (req, facts) => ({
    arch: 'hyperprior',
    n: req.channels ?? 64,
    m: req.codeChannels ?? 96,
    lambdas: [...(req.lambdas ?? PHOTO_LAMBDAS)].sort((a, b) => a - b),
    crop: req.tile && req.tile > 0 ? Math.max(64, Math.round(req.tile / 64) * 64) : defaultCrop(facts),
  }),
  presets: [
    { id: 'photo-small', label: 'Photos · fast (N 32, M 64)', options: { channels: 32, codeChannels: 64 } },
    { id: 'photo', label: 'Photos · balanced (N 64, M 96)', options: { channels: 64, codeChannels: 96 } },
  ],
  mac: (h, channels) => {
    const hm = hyperMac(h.n, h.m);
    // The decoder runs the hyper-synthesis too; the encoder runs both hyper transforms.
    return {
      encoder: analysisMac(channels, h.n, h.m) + hm.analysis + hm.synthesis,
      decoder: synthesisMac(channels, h.n, h.m) + hm.synthesis,
    };
  },
  weightGroups: ['analysis', 'synthesis', 'hyper-analysis', 'hyper-synthesis', 'entropy'],
  codeValues: (h, w, hh) => Math.ceil(w / 16) * Math.ceil(hh / 16) * h.m,
  cropsPerImage: 8,
  trainingOnly: ['crop'],
  countOnly: ['lambdas'],
  countOnlyFollowDefaults: true,
  sampleEdge: (h) => h.crop,
  defaultLoss: 'mse',
  defaultBatchSize: 8,
  // 8 crops of 128x128, 4 of 256x256 (how base-photo run 5 and the measured fine-tunes trained: twice the pixels a step).
  batchSizeFor: (h) => Math.max(1, Math.round((8 * 128) / h.crop)),
  defaultLearningRate: 1e-3,
};
