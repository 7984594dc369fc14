// Fully convolutional autoencoder, reconstruction-trained (format v1): declaration.
import { z } from 'zod';
import type { FamilyMeta } from '../family-meta.js';

export const ConvHyper = z
  .object({
    arch: z.literal('conv'),
    downsampling: z.union([z.literal(8), z.literal(16)]),
    filters: z.array(z.number().int().min(1).max(512)).min(3).max(4),
    codeChannels: z.number().int().min(1).max(256),
    kernelSize: z.number().int().min(1).max(9),
    activation: z.enum(['relu', 'elu', 'tanh', 'sigmoid']),
    crop: z.number().int().min(8).max(1024),
    tile: z.number().int().min(16).max(4096),
  })
  .strict();

export const convMeta: FamilyMeta<z.infer<typeof ConvHyper>> = {
  name: 'conv',
  formatId: null,
  label: 'Conv autoencoder (no entropy model)',
  description:
    'Convolutional autoencoder trained for reconstruction only; quality sets a quantizer step. Kept for models made before the learned families.',
  learned: false,
  options: ['downsample', 'channels', 'codeChannels', 'activation', 'tile'],
  hyperSchema: ConvHyper,
  hyper: (req) => {
    const downsampling = req.downsample ?? 8;
    const width = req.channels ?? 48;
    const crop = req.tile && req.tile > 0 ? Math.max(downsampling, Math.round(req.tile / downsampling) * downsampling) : 64;
    return {
      arch: 'conv',
      downsampling,
      filters: Array.from({ length: Math.log2(downsampling) }, () => width),
      codeChannels: req.codeChannels ?? 8,
      kernelSize: 5,
      activation: req.activation ?? 'relu',
      crop,
      tile: 256,
    };
  },
  presets: [],
  mac: (h, channels) => {
    let enc = 0;
    let cin = channels;
    h.filters.forEach((f, i) => {
      enc += (h.kernelSize * h.kernelSize * cin * f) / 4 ** (i + 1);
      cin = f;
    });
    const cells = 1 / (h.downsampling * h.downsampling);
    enc += 9 * cin * h.codeChannels * cells;
    const rev = [...h.filters].reverse();
    let dec = 9 * h.codeChannels * rev[0]! * cells;
    let scale = cells;
    rev.forEach((f, i) => {
      const from = i === 0 ? rev[0]! : rev[i - 1]!;
      dec += 9 * from * f * 4 * scale;
      scale *= 4;
    });
    dec += 9 * rev.at(-1)! * channels;
    return { encoder: enc, decoder: dec };
  },
  weightGroups: ['encoder', 'decoder'],
  codeValues: (h, w, hh) => Math.ceil(w / h.downsampling) * Math.ceil(hh / h.downsampling) * h.codeChannels,
  cropsPerImage: 8,
  sampleEdge: (h) => h.crop,
  defaultLoss: 'bce',
  defaultBatchSize: 16,
  defaultLearningRate: 1e-3,
};
