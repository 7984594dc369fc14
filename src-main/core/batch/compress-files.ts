// Compress a list of files with one model (decompress-files.ts does the other way): the work of
// the single-file task (compressImages: the CLI's files, the studio's single images). Each file
// goes through the per-file step every file job uses (process-item.ts); a pack codes the list into
// one file. A bad file is reported with a one-line reason naming it and the list goes on; outputs
// are written atomically and never replace an existing file unless asked.
import { resolveRegular } from '../input/open-input.js';
import path from 'node:path';
import type { CodecFailure, CompressedFile, CompressProgress } from '../contract/codec.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import type { CalibrationSource } from '../engine/open-model.js';
import { writeFileAtomic } from '../imaging/index.js';
import { calibratedModel } from '../codec-files/calibration-cache.js';
import { compressPack, type CompressResult, type PreparedImage } from '../codec/compress.js';
import { prepareFile } from '../codec-files/prepare-file.js';
import type { CodecModel, ModelLoader } from '../codec/model.js';
import { throttledTiles } from '../codec/tile-progress.js';
import { createControl, PixelBudget } from './pixel-budget.js';
import { processItem, reasonFor, type ItemEnv, type ItemOptions, type SingleFileCalls } from './process-item.js';

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

/** A one-line reason that names the file (process-item.ts words it). */
export function failure(file: string, err: unknown): CodecFailure {
  return { path: file, error: reasonFor(file, err) };
}

async function fileBytes(file: string): Promise<number> {
  try {
    return (await resolveRegular(file)).stats.size;
  } catch {
    return 0;
  }
}

export async function runCompressBatch(input: CompressBatchInput, load: ModelLoader, io: BatchIO): Promise<CompressBatchResult> {
  const loaded = await load({ id: input.modelId, dir: input.modelDir });
  try {
    const model = await calibratedModel(loaded, input.calibration);
    return input.pack ? await compressToPack(model, input, input.pack, io) : await compressEach(model, input, io);
  } finally {
    loaded.dispose();
  }
}

/**
 * The per-file step's surroundings for one file of the single-file path: a pixel budget of its own
 * (one file at a time), no cancel signal (the checkpoint stops between files), and its calls.
 */
export function singleEnv(options: ItemOptions, model: () => Promise<CodecModel>, io: BatchIO, single: SingleFileCalls): ItemEnv {
  return {
    options,
    budget: new PixelBudget(createControl(), options.maxPixels),
    signal: new AbortController().signal,
    model,
    checkpoint: () => io.checkpoint(),
    single,
  };
}

/** Each file through the per-file step every file job uses (process-item.ts). */
async function compressEach(model: CodecModel, input: CompressBatchInput, io: BatchIO): Promise<CompressBatchResult> {
  const files: CompressedFile[] = [];
  const failed: CodecFailure[] = [];
  const total = input.items.length;
  const options: ItemOptions = {
    kind: 'compress',
    skipExisting: false,
    overwrite: input.overwrite ?? false,
    maxPixels: input.maxPixels ?? DEFAULT_MAX_PIXELS,
    keepMetadata: input.keepMetadata ?? true,
    format: 'png',
    settings: {
      ...(input.quality !== undefined ? { quality: input.quality } : {}),
      ...(input.targetPsnr !== undefined ? { targetPsnr: input.targetPsnr } : {}),
      ...(input.targetBpp !== undefined ? { targetBpp: input.targetBpp } : {}),
      ...(input.measure ? { measure: true } : {}),
    },
  };
  for (const [k, item] of input.items.entries()) {
    await io.checkpoint();
    let coded: CompressResult | undefined;
    const env = singleEnv(options, async () => model, io, { compressed: (_, r) => (coded = r), unpacked: () => {} });
    // Within the file: a photo of a few hundred tiles takes a minute.
    const onTiles = throttledTiles(
      (d, t) => io.progress({ done: k, total, path: item.input, tiles: { done: d, total: t } }),
      input.tileReportMs,
    );
    const r = await processItem(env, item, onTiles);
    if (r.outcome === 'failed') failed.push({ path: item.input, error: r.error });
    else if (r.outcome === 'skipped' || !coded)
      failed.push(failure(item.input, new Error(r.outcome === 'skipped' ? r.reason : 'not coded')));
    else {
      const f = r.file;
      files.push({
        input: f.input,
        output: f.output,
        bytes: f.bytes,
        width: coded.width,
        height: coded.height,
        channels: coded.channels,
        quality: coded.quality,
        step: coded.step,
        bpp: coded.bpp,
        ratio: f.ratio ?? 0,
        ...(coded.psnr !== undefined ? { psnr: coded.psnr } : {}),
        ...(coded.target ? { target: coded.target } : {}),
      });
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
