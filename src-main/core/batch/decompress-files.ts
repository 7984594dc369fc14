// Decompress a list of .latent files and packs: the work of the single-file task (decompressFiles).
// Each file goes through the per-file step every file job uses (process-item.ts); a bad file is
// reported with a one-line reason naming it and the list goes on. Every declared size is checked
// against the pixel limit before a model loads; a pack's folder appears whole or not at all.
import type { CodecFailure, DecompressedFile } from '../contract/codec.js';
import { StudioError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import type { LoadedCodecModel, ModelLoader } from '../codec/model.js';
import { throttledTiles } from '../codec/tile-progress.js';
import { failure, singleEnv, type BatchIO } from './compress-files.js';
import { processItem } from './process-item.js';

export interface DecompressBatchInput {
  /** Model folder by model id, for every model the inputs need. */
  models: Record<string, string>;
  /** `output` is the image path for a single file, the folder for a pack. */
  items: Array<{ input: string; output: string; modelId: string; pack: boolean }>;
  format: 'png' | 'jpeg' | 'webp';
  overwrite?: boolean;
  /** Pack images to decode (default all). */
  images?: number[];
  /** Largest image decoded, and through it a pack's total (default DEFAULT_MAX_PIXELS, limits.ts). */
  maxPixels?: number;
  /** Least time between two tile reports of one file (default TILE_REPORT_MS, tile-progress.ts). */
  tileReportMs?: number;
}

export interface DecompressBatchResult {
  files: DecompressedFile[];
  failed: CodecFailure[];
}

export async function runDecompressBatch(input: DecompressBatchInput, load: ModelLoader, io: BatchIO): Promise<DecompressBatchResult> {
  const files: DecompressedFile[] = [];
  const failed: CodecFailure[] = [];
  const models = new Map<string, Promise<LoadedCodecModel>>();
  const options = {
    kind: 'decompress' as const,
    skipExisting: false,
    overwrite: input.overwrite ?? false,
    maxPixels: input.maxPixels ?? DEFAULT_MAX_PIXELS,
    keepMetadata: true,
    format: input.format,
    settings: {},
  };
  // The file's model was resolved when the list was planned (single-files.ts), by the name it gives.
  const modelFor = async (id: string): Promise<LoadedCodecModel> => {
    const dir = input.models[id];
    if (!dir) throw new StudioError('not-found', `model ${id} is not in the catalog`);
    let m = models.get(id);
    if (!m) models.set(id, (m = load({ id, dir })));
    return m;
  };
  const total = input.items.length;
  try {
    for (const [k, item] of input.items.entries()) {
      await io.checkpoint();
      let unpacked: DecompressedFile[] = [];
      const env = singleEnv(options, () => modelFor(item.modelId), io, {
        ...(input.images ? { images: input.images } : {}),
        compressed: () => {},
        unpacked: (_, f) => (unpacked = f),
      });
      // A pack's planned output is its folder plus an extension, as a folder batch plans it (plan.ts).
      const output = item.pack ? `${item.output}.pack` : item.output;
      // Within the file: a photo of a few hundred tiles takes a minute.
      const onTiles = throttledTiles(
        (d, t) => io.progress({ done: k, total, path: item.input, tiles: { done: d, total: t } }),
        input.tileReportMs,
      );
      const r = await processItem(env, { input: item.input, output }, onTiles);
      if (r.outcome === 'failed') failed.push({ path: item.input, error: r.error });
      else if (r.outcome === 'skipped') failed.push(failure(item.input, new Error(r.reason)));
      else if (item.pack) files.push(...unpacked);
      else {
        const f = r.file;
        files.push({ input: f.input, output: f.output, bytes: f.bytes, width: f.width!, height: f.height!, channels: f.channels! });
      }
      io.progress({ done: k + 1, total, path: item.input });
    }
  } finally {
    for (const m of models.values()) (await m.catch(() => undefined))?.dispose();
  }
  return { files, failed };
}
