// Contract fragment: compress images into .latent files (one per image, or one pack), decompress
// them back to PNG/JPEG/WebP, and read a .latent header for the UI.
import { z } from 'zod';
import type { Failure } from './common.js';
import { event, method } from './define.js';
import { MAX_PIXELS_SETTING } from './limits.js';
import { nameString } from './text.js';

/** A file the codec could not handle (common.ts). */
export type CodecFailure = Failure;

export interface CompressedFile {
  input: string;
  output: string;
  /** Bytes of the .latent file (for a pack: the whole pack, listed once on its first image). */
  bytes: number;
  width: number;
  height: number;
  /** Channels of the original: 1 gray, 3 RGB, 4 RGBA (alpha kept losslessly). */
  channels: 1 | 3 | 4;
  quality: number;
  /** Quantization step in latent units. */
  step: number;
  /** File bits per pixel, header included (for a pack: the pack's bytes over all its pixels). */
  bpp: number;
  /** Original file bytes / .latent bytes. */
  ratio: number;
  /** PSNR in dB of the reconstruction (colour channels), when measured or searched for. */
  psnr?: number;
  /** What --target-psnr / --target-bpp asked for and what was reached. */
  target?: { kind: 'psnr' | 'bpp'; wanted: number; reached: number; met: boolean };
  /** Catalog id of the recorded latent file. */
  latentId?: number;
}

export interface CompressImagesResult {
  model: string;
  files: CompressedFile[];
  failed: CodecFailure[];
  /** Set in pack mode. */
  pack?: { output: string; bytes: number; images: number; bpp: number };
}

export interface DecompressedFile {
  input: string;
  output: string;
  /** Bytes of the written image. */
  bytes: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Image index inside a pack. */
  image?: number;
}

export interface DecompressFilesResult {
  files: DecompressedFile[];
  failed: CodecFailure[];
}

export interface LatentImageInfo {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  codeGrid: [number, number, number];
  name?: string;
  exif: boolean;
  icc: boolean;
}

export interface LatentInfo {
  path: string;
  kind: 'single' | 'pack';
  formatVersion: number;
  bytes: number;
  model: string;
  /** Whether that model is in this studio's catalog (needed to decompress). */
  modelInCatalog: boolean;
  /** Hex of the decoder weights hash kept in the file (its first 8 bytes). */
  weightsTag: string;
  step: number;
  predictor: string;
  tile: number;
  /** Format v2 (learned families): the family and the quality the file was made at. */
  family?: string;
  quality?: number;
  /** Bytes of header and index (for a pack: up to its first block). */
  headerBytes: number;
  images: LatentImageInfo[];
}

export interface CompressProgress {
  done: number;
  total: number;
  path: string;
  /**
   * Within the file `path` (not yet among `done`): transform tiles finished of its current pass,
   * for a learned model on an image of several tiles. Absent on the event that finishes a file.
   */
  tiles?: { done: number; total: number };
}

const paths = z.array(z.string().min(1).max(4096)).min(1).max(100_000);

export const codecMethods = {
  compressImages: method<CompressImagesResult>()(
    z
      .object({
        model: z.string().min(1).max(255),
        paths,
        outDir: z.string().min(1).max(4096),
        quality: z.number().int().min(1).max(100).optional(),
        targetPsnr: z.number().min(1).max(100).optional(),
        targetBpp: z.number().positive().max(64).optional(),
        /** Write one pack named <pack>.latent instead of one file per image. */
        pack: nameString('pack names', 200).optional(),
        overwrite: z.boolean().optional(),
        /** Decode each result and report its PSNR (slower). */
        measure: z.boolean().optional(),
        /** Carry the original EXIF and ICC profile (default true). */
        keepMetadata: z.boolean().optional(),
        /** Largest image (pixels) read; bigger ones are refused from their header (default DEFAULT_MAX_PIXELS, limits.ts). */
        maxPixels: z.number().int().min(1).max(MAX_PIXELS_SETTING).optional(),
      })
      .strict()
      .refine((r) => [r.quality, r.targetPsnr, r.targetBpp].filter((v) => v !== undefined).length <= 1, {
        message: 'give at most one of quality, targetPsnr, targetBpp',
      })
      .refine((r) => !(r.pack && (r.targetPsnr !== undefined || r.targetBpp !== undefined)), {
        message: 'a pack is made at one quality; targetPsnr and targetBpp work per file',
      }),
    'Compress images with a model into DIR/<stem>.latent each (or one pack); a bad file is reported and the batch goes on.',
  ),
  decompressFiles: method<DecompressFilesResult>()(
    z
      .object({
        paths,
        outDir: z.string().min(1).max(4096),
        format: z.enum(['png', 'jpeg', 'webp']).optional(),
        overwrite: z.boolean().optional(),
        /** Pack only: which image indices to decode (default all). */
        images: z.array(z.number().int().min(0)).max(1_000_000).optional(),
        /** Largest image (pixels) decoded, and a pack's total (limits.ts); bigger ones are refused before decoding. */
        maxPixels: z.number().int().min(1).max(MAX_PIXELS_SETTING).optional(),
      })
      .strict(),
    'Decompress .latent files (or packs, into DIR/<pack>/) to images at their original size, with their EXIF and ICC.',
  ),
  inspectLatent: method<LatentInfo>()(
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    'Read a .latent header: model, code settings, images, and whether the model is in the catalog.',
  ),
} as const;

export const codecEvents = {
  compressProgress: event<CompressProgress>('A file of a compress batch finished (done of total), or, with tiles, more of the file being coded.'),
  decompressProgress: event<CompressProgress>('A file (or pack image) of a decompress batch finished, or, with tiles, more of the file being decoded.'),
} as const;
