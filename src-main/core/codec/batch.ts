// Compress batches of files (decompress-batch.ts does the other way): the work the codec worker
// tasks do. A bad file is reported with a one-line reason naming it and the batch goes on;
// outputs are written atomically and never replace an existing file unless asked.
import { resolveRegular } from '../input/open-input.js';
import path from 'node:path';
import type { CodecFailure, CompressedFile, CompressProgress } from '../contract/codec.js';
import { toWireError } from '../contract/errors.js';
import { writeFileAtomic } from '../imaging/index.js';
import { calibratedModel, type CalibrationSource } from './calibrate.js';
import { compressImage, compressPack, prepareFile, type PreparedImage } from './compress.js';
import type { CodecModel } from './model.js';
import { throttledTiles } from './tile-progress.js';

export interface LoadedCodecModel extends CodecModel {
  dispose(): void;
}
export type ModelLoader = (dir: string) => Promise<LoadedCodecModel>;

export interface BatchIO {
  progress(p: CompressProgress): void;
  /** Between files: waits while paused, throws when cancelled. */
  checkpoint(): Promise<void>;
}

export interface CompressBatchInput {
  modelId: string;
  modelDir: string;
  /** One entry per input image, with its output path (ignored in pack mode). */
  items: Array<{ input: string; output: string }>;
  pack?: { output: string; blockSize?: number };
  quality?: number;
  targetPsnr?: number;
  targetBpp?: number;
  measure?: boolean;
  keepMetadata?: boolean;
  overwrite?: boolean;
  /** Where to find (or make) the model's finest-step calibration; see calibrate.ts. */
  calibration?: CalibrationSource;
  /** Largest image read (default DEFAULT_MAX_PIXELS, limits.ts). */
  maxPixels?: number;
  /** Least time between two tile reports of one file (default TILE_REPORT_MS, tile-progress.ts). */
  tileReportMs?: number;
}

export interface CompressBatchResult {
  files: CompressedFile[];
  failed: CodecFailure[];
  pack?: { output: string; bytes: number; images: number; bpp: number };
}

/** A one-line reason that names the file. */
export function failure(file: string, err: unknown): CodecFailure {
  const message = toWireError(err).message;
  return { path: file, error: message.includes(file) ? message : `${file}: ${message}` };
}

/** The loaded model under the catalog's id (the id the .latent files name). */
export function asCatalogModel(model: LoadedCodecModel, id: string): CodecModel {
  return {
    id,
    weightsHash: model.weightsHash,
    card: model.card,
    encode: (img) => model.encode(img),
    decode: (c, w, h) => model.decode(c, w, h),
    ...(model.learned ? { learned: model.learned } : {}),
  };
}

async function fileBytes(file: string): Promise<number> {
  try {
    return (await resolveRegular(file)).stats.size;
  } catch {
    return 0;
  }
}

export async function runCompressBatch(input: CompressBatchInput, load: ModelLoader, io: BatchIO): Promise<CompressBatchResult> {
  const loaded = await load(input.modelDir);
  try {
    const model = await calibratedModel(asCatalogModel(loaded, input.modelId), input.calibration);
    return input.pack ? await compressToPack(model, input, input.pack, io) : await compressEach(model, input, io);
  } finally {
    loaded.dispose();
  }
}

async function compressEach(model: CodecModel, input: CompressBatchInput, io: BatchIO): Promise<CompressBatchResult> {
  const files: CompressedFile[] = [];
  const failed: CodecFailure[] = [];
  const total = input.items.length;
  for (const [k, item] of input.items.entries()) {
    await io.checkpoint();
    try {
      const img = await prepareFile(model, item.input, input.keepMetadata ?? true, input.maxPixels);
      const r = await compressImage(model, img, {
        ...(input.quality !== undefined ? { quality: input.quality } : {}),
        ...(input.targetPsnr !== undefined ? { targetPsnr: input.targetPsnr } : {}),
        ...(input.targetBpp !== undefined ? { targetBpp: input.targetBpp } : {}),
        ...(input.measure ? { measure: true } : {}),
        // Within the file: a photo of a few hundred tiles takes a minute.
        onTiles: throttledTiles((d, t) => io.progress({ done: k, total, path: item.input, tiles: { done: d, total: t } }), input.tileReportMs),
      });
      await writeFileAtomic(item.output, r.bytes, { overwrite: input.overwrite ?? false });
      const original = await fileBytes(item.input);
      files.push({
        input: item.input,
        output: item.output,
        bytes: r.bytes.length,
        width: r.width,
        height: r.height,
        channels: r.channels,
        quality: r.quality,
        step: r.step,
        bpp: r.bpp,
        ratio: original / r.bytes.length,
        ...(r.psnr !== undefined ? { psnr: r.psnr } : {}),
        ...(r.target ? { target: r.target } : {}),
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      failed.push(failure(item.input, err));
    }
    io.progress({ done: k + 1, total, path: item.input });
  }
  return { files, failed };
}

async function compressToPack(
  model: CodecModel,
  input: CompressBatchInput,
  pack: NonNullable<CompressBatchInput['pack']>,
  io: BatchIO,
): Promise<CompressBatchResult> {
  const failed: CodecFailure[] = [];
  const used: Array<{ input: string; bytes: number }> = [];
  const total = input.items.length;
  async function* images(): AsyncGenerator<{ img: PreparedImage; name: string }> {
    for (const [k, item] of input.items.entries()) {
      await io.checkpoint();
      try {
        const img = await prepareFile(model, item.input, input.keepMetadata ?? true, input.maxPixels);
        used.push({ input: item.input, bytes: await fileBytes(item.input) });
        yield { img, name: path.parse(item.input).name };
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        failed.push(failure(item.input, err));
      }
      io.progress({ done: k + 1, total, path: item.input });
    }
  }
  if (input.items.length === 0) return { files: [], failed };
  let r;
  try {
    r = await compressPack(model, images(), {
      ...(input.quality !== undefined ? { quality: input.quality } : {}),
      ...(pack.blockSize !== undefined ? { blockSize: pack.blockSize } : {}),
      ...(input.measure ? { measure: true } : {}),
    });
  } catch (err) {
    // No image was readable: every input is already listed in `failed`.
    if (used.length === 0 && failed.length > 0) return { files: [], failed };
    throw err;
  }
  await writeFileAtomic(pack.output, r.bytes, { overwrite: input.overwrite ?? false });
  const pixels = r.images.reduce((n, i) => n + i.width * i.height, 0);
  const bpp = (r.bytes.length * 8) / pixels;
  const files = r.images.map((img, i): CompressedFile => {
    const share = (r.bytes.length * img.width * img.height) / pixels;
    return {
      input: used[i]!.input,
      output: pack.output,
      bytes: i === 0 ? r.bytes.length : 0,
      width: img.width,
      height: img.height,
      channels: img.channels,
      quality: r.quality,
      step: r.step,
      bpp,
      ratio: used[i]!.bytes / share,
      ...(img.psnr !== undefined ? { psnr: img.psnr } : {}),
    };
  });
  return { files, failed, pack: { output: pack.output, bytes: r.bytes.length, images: r.images.length, bpp } };
}
