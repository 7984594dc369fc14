// Decompress batches of .latent files and packs: the work of the codec.decompress worker task
// and of a batch's pack items. A bad file is reported with a one-line reason naming it and the
// batch goes on. Every declared size is checked against the pixel limit before a model loads;
// a pack's folder appears whole or not at all (pack-output.ts).
import { open } from 'node:fs/promises';
import type { CodecFailure, DecompressedFile } from '../contract/codec.js';
import { StudioError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import { encodeImage, writeFileAtomic, type OutputFormat, type RawImage } from '../imaging/index.js';
import { asCatalogModel, failure, type BatchIO, type LoadedCodecModel, type ModelLoader } from './batch.js';
import { isV2 } from './container-v2.js';
import { decodePackBlock, decodeSingle, type DecodedImage } from './decompress.js';
import { PackFile, readPackV2File, readSingleFile, v2Ref } from './latent-file.js';
import type { CodecModel } from './model.js';
import { PackStage } from './pack-output.js';
import { throttledTiles } from './tile-progress.js';
import { checkImagePixels, checkPackPixels } from '../imaging/pixel-limit.js';

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

function checkJpegAlpha(format: OutputFormat, channels: number, label: string): void {
  if (format === 'jpeg' && channels === 4) {
    throw new StudioError('bad-request', `${label}: has an alpha channel, which JPEG cannot hold (use --format png or webp)`);
  }
}

async function encodeDecoded(d: DecodedImage, format: OutputFormat, label: string): Promise<Buffer> {
  checkJpegAlpha(format, d.image.channels, label);
  return encodeImage(d.image as RawImage, format, {
    ...(d.exif ? { exif: Buffer.from(d.exif) } : {}),
    ...(d.icc ? { icc: Buffer.from(d.icc) } : {}),
  });
}

/** A file name for a pack image: its stored name made safe, else its index. */
function packImageName(name: string | undefined, i: number, taken: Set<string>): string {
  let base = (name ?? '').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '');
  if (base === '') base = `image-${String(i).padStart(5, '0')}`;
  if (taken.has(base)) base = `${base}-${i}`;
  taken.add(base);
  return base;
}

export async function runDecompressBatch(input: DecompressBatchInput, load: ModelLoader, io: BatchIO): Promise<DecompressBatchResult> {
  const files: DecompressedFile[] = [];
  const failed: CodecFailure[] = [];
  const models = new Map<string, Promise<LoadedCodecModel>>();
  const overwrite = input.overwrite ?? false;
  const maxPixels = input.maxPixels ?? DEFAULT_MAX_PIXELS;
  const modelFor = async (id: string): Promise<CodecModel> => {
    const dir = input.models[id];
    if (!dir) throw new StudioError('not-found', `model ${id} is not in the catalog`);
    let m = models.get(id);
    if (!m) models.set(id, (m = load(dir)));
    return asCatalogModel(await m, id);
  };
  const total = input.items.length;
  try {
    for (const [k, item] of input.items.entries()) {
      await io.checkpoint();
      try {
        if (!item.pack) {
          const latent = await readSingleFile(item.input);
          // The declared size, before the model loads or anything decodes.
          checkImagePixels(item.input, latent.image.width, latent.image.height, maxPixels);
          checkJpegAlpha(input.format, latent.image.channels, item.input);
          const model = await modelFor(item.modelId);
          // Within the file: a photo of a few hundred tiles takes a minute.
          const onTiles = throttledTiles((d, t) => io.progress({ done: k, total, path: item.input, tiles: { done: d, total: t } }), input.tileReportMs);
          const d = await decodeSingle(model, latent, item.input, maxPixels, onTiles);
          const bytes = await encodeDecoded(d, input.format, item.input);
          await writeFileAtomic(item.output, bytes, { overwrite });
          files.push({
            input: item.input,
            output: item.output,
            bytes: bytes.length,
            width: d.image.width,
            height: d.image.height,
            channels: d.image.channels,
          });
        } else {
          files.push(...(await decompressPackFile(item, input, maxPixels, modelFor, io)));
        }
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        failed.push(failure(item.input, err));
      }
      io.progress({ done: k + 1, total, path: item.input });
    }
  } finally {
    for (const m of models.values()) (await m.catch(() => undefined))?.dispose();
  }
  return { files, failed };
}

/** What a pack's index says of each image, for either format version. */
interface PackIndex {
  images: Array<{ width: number; height: number; channels: number; name?: string }>;
  /** Decodes the asked images (pack-wide indices, ascending), handing each over as it is done. */
  decode(model: CodecModel, wanted: number[], onImage: (i: number, d: DecodedImage) => Promise<void>): Promise<void>;
  modelId: string;
}

async function openPackV1(file: string, maxPixels: number, io: BatchIO): Promise<PackIndex> {
  const pf = await PackFile.open(file);
  const h = pf.header;
  return {
    images: h.images,
    modelId: h.params.modelId,
    async decode(model, wanted, onImage) {
      const byBlock = new Map<number, number[]>();
      for (const i of wanted) byBlock.set(pf.blockOf(i), [...(byBlock.get(pf.blockOf(i)) ?? []), i]);
      for (const [b, which] of [...byBlock.entries()].sort((x, y) => x[0] - y[0])) {
        await io.checkpoint();
        await decodePackBlock(model, h, b, await pf.block(b), file, { which, onImage, maxPixels });
      }
    },
  };
}

/** A format-v2 pack: each asked image's streams decode on their own (its block's CRC checked first). */
async function openPackV2(file: string, maxPixels: number, io: BatchIO): Promise<PackIndex> {
  const pack = await readPackV2File(file);
  const ref = v2Ref(pack.params);
  return {
    images: pack.header.entries,
    modelId: ref.modelId,
    async decode(model, wanted, onImage) {
      for (const i of wanted) {
        await io.checkpoint();
        const image = pack.image(i);
        const label = `${file} image ${i}`;
        await onImage(
          i,
          await decodeSingle(model, { kind: 'single-v2', params: { ...pack.params, ...ref }, image, bytes: 0 }, label, maxPixels),
        );
      }
    },
  };
}

/**
 * One pack into its folder, all or nothing: every asked image is checked from the index (there,
 * within the limits, JPEG-compatible), decoded into a temporary folder, and the folder is put in
 * place at the end. Any failure refuses the whole pack with its reason and leaves no output.
 */
async function decompressPackFile(
  item: DecompressBatchInput['items'][number],
  input: DecompressBatchInput,
  maxPixels: number,
  modelFor: (id: string) => Promise<CodecModel>,
  io: BatchIO,
): Promise<DecompressedFile[]> {
  const head = await readHead(item.input);
  const pack = isV2(head) ? await openPackV2(item.input, maxPixels, io) : await openPackV1(item.input, maxPixels, io);
  const count = pack.images.length;
  const wanted = [...new Set(input.images ?? pack.images.map((_, i) => i))].sort((a, b) => a - b);
  const missing = wanted.find((i) => i >= count);
  if (missing !== undefined) throw new StudioError('bad-request', `${item.input}: has no image ${missing} (it holds ${count})`);
  checkPackPixels(
    item.input,
    wanted.map((i) => ({ index: i, ...pack.images[i]! })),
    maxPixels,
  );
  for (const i of wanted) checkJpegAlpha(input.format, pack.images[i]!.channels, `${item.input} image ${i}`);
  const taken = new Set<string>();
  const ext = input.format === 'jpeg' ? 'jpg' : input.format;
  const names = pack.images.map((e, i) => `${packImageName(e.name, i, taken)}.${ext}`);
  const model = await modelFor(item.modelId);
  const stage = await PackStage.open(
    item.output,
    wanted.map((i) => names[i]!),
    input.overwrite ?? false,
  );
  try {
    const files: DecompressedFile[] = [];
    await pack.decode(model, wanted, async (i, d) => {
      const bytes = await encodeDecoded(d, input.format, `${item.input} image ${i}`);
      const output = await stage.write(names[i]!, bytes);
      files.push({
        input: item.input,
        output,
        bytes: bytes.length,
        width: d.image.width,
        height: d.image.height,
        channels: d.image.channels,
        image: i,
      });
    });
    await stage.commit();
    return files;
  } finally {
    await stage.dispose();
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = new Uint8Array(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
