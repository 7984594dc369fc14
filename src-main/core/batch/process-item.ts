// One file of a batch, inside a worker: checks that tell a bad input apart with a one-line reason
// (missing, unreadable, not an image, animated, too large), the codec call, and the output written
// atomically with the input's dates. Nothing here throws for a bad file: it returns 'failed'.
import type { Stats } from 'node:fs';
import type { BatchFileResult, BatchKind } from '../contract/batch.js';
import { StudioError, toWireError } from '../contract/errors.js';
import type { LoadedCodecModel } from '../codec/batch.js';
import { runDecompressBatch } from '../codec/decompress-batch.js';
import { compressImage, prepareFile, type CompressSettings } from '../codec/compress.js';
import { decodeSingle } from '../codec/decompress.js';
import { peekLatent, readSingleFile } from '../codec/latent-file.js';
import { checkImagePixels } from '../imaging/pixel-limit.js';
import type { CodecModel, TileProgress } from '../codec/model.js';
import { encodeImage, imageInfo, type RawImage } from '../imaging/index.js';
import { resolveRegular } from '../input/open-input.js';
import { collectGarbage } from './collect-garbage.js';
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
async function existingOutput(input: string, output: string, options: ItemOptions): Promise<ItemOutcome | undefined> {
  if (options.overwrite || !(await exists(output))) return undefined;
  if (options.skipExisting) return { outcome: 'skipped', output, reason: 'output exists' };
  return { outcome: 'failed', error: `${input}: output ${output} already exists (skip existing outputs or allow overwriting)` };
}

/** A write refused because the output appeared meanwhile counts as an existing output. */
function conflictOutcome(input: string, output: string, err: unknown, options: ItemOptions): ItemOutcome | undefined {
  if (!(err instanceof StudioError) || err.code !== 'conflict') return undefined;
  if (options.skipExisting) return { outcome: 'skipped', output, reason: 'output exists' };
  return { outcome: 'failed', error: `${input}: output ${output} already exists (skip existing outputs or allow overwriting)` };
}

/** `onTiles`: the transform tiles of this file as they finish (a learned model on a large image). */
export async function processItem(env: ItemEnv, item: { input: string; output: string }, onTiles?: TileProgress): Promise<ItemOutcome> {
  try {
    return env.options.kind === 'compress' ? await compressOne(env, item, onTiles) : await decompressOne(env, item, onTiles);
  } catch (err) {
    if (isAbort(err)) throw err;
    const conflict = conflictOutcome(item.input, item.output, err, env.options);
    return conflict ?? { outcome: 'failed', error: reasonFor(item.input, err) };
  }
}

async function compressOne(env: ItemEnv, { input, output }: { input: string; output: string }, onTiles?: TileProgress): Promise<ItemOutcome> {
  const o = env.options;
  const existing = await existingOutput(input, output, o);
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
  await writeOutput(output, r.bytes, { overwrite: o.overwrite, times: st });
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
  const existing = await existingOutput(input, item.output, o);
  if (existing) return existing;
  const latent = await readSingleFile(input);
  const e = latent.image;
  const px = checkImagePixels(input, e.width, e.height, o.maxPixels);
  if (o.format === 'jpeg' && e.channels === 4) {
    throw new StudioError('bad-request', `${input}: has an alpha channel, which JPEG cannot hold (decompress to png or webp)`);
  }
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
  await writeOutput(item.output, bytes, { overwrite: o.overwrite, times: st });
  return {
    outcome: 'done',
    file: { input, output: item.output, bytes: bytes.length, bytesIn: st.size, width: e.width, height: e.height, channels: e.channels },
  };
}

/** A pack becomes a folder of images (the codec's pack decoder), each with the pack's dates. */
async function decompressPack(env: ItemEnv, item: { input: string; output: string }, st: Stats, modelId: string): Promise<ItemOutcome> {
  const o = env.options;
  const folder = packFolderOf(item.output);
  const existing = await existingOutput(item.input, folder, o);
  if (existing) return existing;
  const model = await env.model(modelId);
  const loaded: LoadedCodecModel = { ...model, dispose: () => {} };
  const r = await runDecompressBatch(
    {
      models: { [modelId]: folder },
      items: [{ input: item.input, output: folder, modelId, pack: true }],
      format: o.format,
      overwrite: o.overwrite,
      maxPixels: o.maxPixels,
    },
    async () => loaded,
    { progress: () => {}, checkpoint: () => env.checkpoint() },
  );
  if (r.failed.length > 0) {
    const more = r.failed.length > 1 ? ` (and ${r.failed.length - 1} more problems)` : '';
    return { outcome: 'failed', error: `${r.failed[0]!.error}${more}` };
  }
  for (const f of r.files) await copyTimes(f.output, st);
  await copyTimes(folder, st);
  return {
    outcome: 'done',
    file: { input: item.input, output: folder, bytes: r.files.reduce((n, f) => n + f.bytes, 0), bytesIn: st.size, images: r.files.length },
  };
}
