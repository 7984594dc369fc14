// THE per-file step of every file job, inside a worker: a folder batch's pool member, a queue
// worker's coding thread and the single-file path (compressImages, decompressFiles) all code a file
// here. Checks that tell a bad input apart with a one-line reason (missing, unreadable, not an
// image, animated, too large), the codec call, and the output written atomically (in a batch with
// the input's dates). Nothing here throws for a bad file: it returns 'failed'.
import type { Stats } from 'node:fs';
import type { BatchFileResult, BatchKind } from '../contract/batch.js';
import type { DecompressedFile } from '../contract/codec.js';
import { StudioError, toWireError } from '../contract/errors.js';
import { compressImage, type CompressResult, type CompressSettings } from '../codec/compress.js';
import { prepareFile } from '../codec-files/prepare-file.js';
import { decodeSingle } from '../codec/decompress.js';
import { peekLatent, readSingleFile } from '../codec-files/latent-file.js';
import { checkImagePixels } from '../imaging/pixel-limit.js';
import type { CodecModel, TileProgress } from '../codec/model.js';
import { encodeImage, imageInfo, type RawImage } from '../imaging/index.js';
import { resolveRegular } from '../input/open-input.js';
import { collectGarbage } from './collect-garbage.js';
import { checkJpegAlpha, decompressPackFile } from './decompress-pack.js';
import { copyTimes, exists, writeOutput } from './output.js';
import { packFolderOf } from './plan.js';
import type { PixelBudget } from './pixel-budget.js';

export type ItemOutcome =
  | { outcome: 'done'; file: BatchFileResult }
  | { outcome: 'skipped'; output: string; reason: string }
  | { outcome: 'failed'; error: string };

export interface ItemOptions {
  kind: BatchKind;
  skipExisting: boolean;
  overwrite: boolean;
  maxPixels: number;
  keepMetadata: boolean;
  format: 'png' | 'jpeg' | 'webp';
  settings: CompressSettings;
}

export interface ItemEnv {
  options: ItemOptions;
  budget: PixelBudget;
  signal: AbortSignal;
  /** Compress: the model. Decompress: the model a file names (loaded once per worker). */
  model(id?: string): Promise<CodecModel>;
  /** Between the images of a pack: waits while paused, throws when cancelled. */
  checkpoint(): Promise<void>;
  /** Set by the single-file path (single-files.ts); a batch leaves it out. */
  single?: SingleFileCalls;
}

/**
 * What the single-file path asks beyond a batch: an existing output is refused by the write itself
 * (a one-line conflict), outputs keep their own dates, a pack may be decoded in part, and it hears
 * what a batch's result leaves out.
 */
export interface SingleFileCalls {
  /** Pack images to decode (default all). */
  images?: number[];
  /** A compressed file's full coding result (its quantizer step, its target search). */
  compressed(input: string, r: CompressResult): void;
  /** The images written from a pack, each with its index. */
  unpacked(input: string, files: DecompressedFile[]): void;
}

/** A one-line reason that names the file. */
export function reasonFor(file: string, err: unknown): string {
  const message = toWireError(err).message;
  return message.includes(file) ? message : `${file}: ${message}`;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Images from this size up are followed by a collection (see collect-garbage.ts); small ones are not worth it. */
const COLLECT_FROM_PIXELS = 1_000_000;

function freeAfter(pixels: number): void {
  if (pixels >= COLLECT_FROM_PIXELS) collectGarbage();
}

/** The input's stats under the input policy (input/open-input.ts): a regular file, through links. */
async function inputStats(file: string): Promise<Stats> {
  return (await resolveRegular(file)).stats;
}

/** An existing output: skipped, replaced, or reported. Returns the outcome when the file is done with. */
async function existingOutput(env: ItemEnv, input: string, output: string): Promise<ItemOutcome | undefined> {
  const options = env.options;
  if (env.single || options.overwrite || !(await exists(output))) return undefined;
  if (options.skipExisting) return { outcome: 'skipped', output, reason: 'output exists' };
  return { outcome: 'failed', error: `${input}: output ${output} already exists (skip existing outputs or allow overwriting)` };
}

/** A write refused because the output appeared meanwhile counts as an existing output. */
function conflictOutcome(env: ItemEnv, input: string, output: string, err: unknown): ItemOutcome | undefined {
  const options = env.options;
  if (env.single || !(err instanceof StudioError) || err.code !== 'conflict') return undefined;
  if (options.skipExisting) return { outcome: 'skipped', output, reason: 'output exists' };
  return { outcome: 'failed', error: `${input}: output ${output} already exists (skip existing outputs or allow overwriting)` };
}

/** `onTiles`: the transform tiles of this file as they finish (a learned model on a large image). */
export async function processItem(env: ItemEnv, item: { input: string; output: string }, onTiles?: TileProgress): Promise<ItemOutcome> {
  try {
    return env.options.kind === 'compress' ? await compressOne(env, item, onTiles) : await decompressOne(env, item, onTiles);
  } catch (err) {
    if (isAbort(err)) throw err;
    const conflict = conflictOutcome(env, item.input, item.output, err);
    return conflict ?? { outcome: 'failed', error: reasonFor(item.input, err) };
  }
}

async function compressOne(
  env: ItemEnv,
  { input, output }: { input: string; output: string },
  onTiles?: TileProgress,
): Promise<ItemOutcome> {
  const o = env.options;
  const existing = await existingOutput(env, input, output);
  if (existing) return existing;
  const st = await inputStats(input);
  const info = await imageInfo(input);
  if (info.pages > 1) {
    throw new StudioError('unsupported', `${input}: animated image (${info.pages} frames); only still images are compressed`);
  }
  const px = checkImagePixels(input, info.width, info.height, o.maxPixels);
  const model = await env.model();
  const release = await env.budget.acquire(px, env.signal);
  let r;
  try {
    const img = await prepareFile(model, input, o.keepMetadata, o.maxPixels);
    r = await compressImage(model, img, onTiles ? { ...o.settings, onTiles } : o.settings);
  } finally {
    freeAfter(px);
    release();
  }
  await writeOutput(output, r.bytes, { overwrite: o.overwrite, ...(env.single ? {} : { times: st }) });
  env.single?.compressed(input, r);
  return {
    outcome: 'done',
    file: {
      input,
      output,
      bytes: r.bytes.length,
      bytesIn: st.size,
      width: r.width,
      height: r.height,
      channels: r.channels,
      quality: r.quality,
      bpp: r.bpp,
      ratio: st.size / r.bytes.length,
      ...(r.psnr !== undefined ? { psnr: r.psnr } : {}),
    },
  };
}

async function decompressOne(env: ItemEnv, item: { input: string; output: string }, onTiles?: TileProgress): Promise<ItemOutcome> {
  const { input } = item;
  const st = await inputStats(input);
  const peek = await peekLatent(input);
  if (peek.pack) return decompressPack(env, item, st, peek.params.modelId);
  const o = env.options;
  const existing = await existingOutput(env, input, item.output);
  if (existing) return existing;
  const latent = await readSingleFile(input);
  const e = latent.image;
  const px = checkImagePixels(input, e.width, e.height, o.maxPixels);
  checkJpegAlpha(o.format, e.channels, input);
  const model = await env.model(latent.params.modelId);
  const release = await env.budget.acquire(px, env.signal);
  let bytes: Buffer;
  try {
    const d = await decodeSingle(model, latent, input, o.maxPixels, onTiles);
    bytes = await encodeImage(d.image as RawImage, o.format, {
      ...(o.keepMetadata && d.exif ? { exif: Buffer.from(d.exif) } : {}),
      ...(o.keepMetadata && d.icc ? { icc: Buffer.from(d.icc) } : {}),
    });
  } finally {
    freeAfter(px);
    release();
  }
  await writeOutput(item.output, bytes, { overwrite: o.overwrite, ...(env.single ? {} : { times: st }) });
  return {
    outcome: 'done',
    file: { input, output: item.output, bytes: bytes.length, bytesIn: st.size, width: e.width, height: e.height, channels: e.channels },
  };
}

/** A pack becomes a folder of images (decompress-pack.ts), in a batch each with the pack's dates. */
async function decompressPack(env: ItemEnv, item: { input: string; output: string }, st: Stats, modelId: string): Promise<ItemOutcome> {
  const o = env.options;
  const folder = packFolderOf(item.output);
  const existing = await existingOutput(env, item.input, folder);
  if (existing) return existing;
  const files = await decompressPackFile(
    item.input,
    folder,
    { format: o.format, overwrite: o.overwrite, maxPixels: o.maxPixels, ...(env.single?.images ? { images: env.single.images } : {}) },
    () => env.model(modelId),
    () => env.checkpoint(),
  );
  if (env.single) env.single.unpacked(item.input, files);
  else {
    for (const f of files) await copyTimes(f.output, st);
    await copyTimes(folder, st);
  }
  return {
    outcome: 'done',
    file: { input: item.input, output: folder, bytes: files.reduce((n, f) => n + f.bytes, 0), bytesIn: st.size, images: files.length },
  };
}
