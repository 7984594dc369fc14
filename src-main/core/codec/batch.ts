// Compress and decompress batches of files: the work the codec worker tasks do. A bad file is
// reported with a one-line reason naming it and the batch goes on; outputs are written atomically
// and never replace an existing file unless asked.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CodecFailure, CompressedFile, CompressProgress, DecompressedFile } from '../contract/codec.js';
import { StudioError, toWireError } from '../contract/errors.js';
import { encodeImage, writeFileAtomic, type OutputFormat, type RawImage } from '../imaging/index.js';
import { calibratedModel, type CalibrationSource } from './calibrate.js';
import { compressImage, compressPack, prepareFile, type PreparedImage } from './compress.js';
import { decodePackBlock, decodeSingle, type DecodedImage } from './decompress.js';
import { PackFile, readPackV2File, readSingleFile, v2Ref } from './latent-file.js';
import { isV2 } from './container-v2.js';
import type { CodecModel } from './model.js';

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
function asCatalogModel(model: LoadedCodecModel, id: string): CodecModel {
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
    return (await stat(file)).size;
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
      const img = await prepareFile(model, item.input, input.keepMetadata ?? true);
      const r = await compressImage(model, img, {
        ...(input.quality !== undefined ? { quality: input.quality } : {}),
        ...(input.targetPsnr !== undefined ? { targetPsnr: input.targetPsnr } : {}),
        ...(input.targetBpp !== undefined ? { targetBpp: input.targetBpp } : {}),
        ...(input.measure ? { measure: true } : {}),
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
        const img = await prepareFile(model, item.input, input.keepMetadata ?? true);
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

export interface DecompressBatchInput {
  /** Model folder by model id, for every model the inputs need. */
  models: Record<string, string>;
  /** `output` is the image path for a single file, the folder for a pack. */
  items: Array<{ input: string; output: string; modelId: string; pack: boolean }>;
  format: 'png' | 'jpeg' | 'webp';
  overwrite?: boolean;
  /** Pack images to decode (default all). */
  images?: number[];
}

export interface DecompressBatchResult {
  files: DecompressedFile[];
  failed: CodecFailure[];
}

async function writeImage(out: string, d: DecodedImage, format: OutputFormat, overwrite: boolean, label: string): Promise<number> {
  if (format === 'jpeg' && d.image.channels === 4) {
    throw new StudioError('bad-request', `${label}: has an alpha channel, which JPEG cannot hold (use --format png or webp)`);
  }
  const bytes = await encodeImage(d.image as RawImage, format, {
    ...(d.exif ? { exif: Buffer.from(d.exif) } : {}),
    ...(d.icc ? { icc: Buffer.from(d.icc) } : {}),
  });
  await writeFileAtomic(out, bytes, { overwrite });
  return bytes.length;
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
          const model = await modelFor(item.modelId);
          const d = await decodeSingle(model, latent, item.input);
          const bytes = await writeImage(item.output, d, input.format, overwrite, item.input);
          files.push({
            input: item.input,
            output: item.output,
            bytes,
            width: d.image.width,
            height: d.image.height,
            channels: d.image.channels,
          });
        } else {
          await decompressPackFile(item, input, modelFor, files, failed, io);
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

async function decompressPackFile(
  item: DecompressBatchInput['items'][number],
  input: DecompressBatchInput,
  modelFor: (id: string) => Promise<CodecModel>,
  files: DecompressedFile[],
  failed: CodecFailure[],
  io: BatchIO,
): Promise<void> {
  const head = await readHead(item.input);
  if (isV2(head)) return decompressPackV2(item, input, modelFor, files, failed, io);
  const pf = await PackFile.open(item.input);
  const h = pf.header;
  const model = await modelFor(h.params.modelId);
  const wanted = input.images ?? h.images.map((_, i) => i);
  for (const i of wanted) {
    if (i >= h.images.length) failed.push({ path: item.input, error: `${item.input}: has no image ${i} (it holds ${h.images.length})` });
  }
  const byBlock = new Map<number, number[]>();
  for (const i of wanted) if (i < h.images.length) byBlock.set(pf.blockOf(i), [...(byBlock.get(pf.blockOf(i)) ?? []), i]);
  const taken = new Set<string>();
  const names = h.images.map((e, i) => packImageName(e.name, i, taken));
  const ext = input.format === 'jpeg' ? 'jpg' : input.format;
  for (const [b, which] of [...byBlock.entries()].sort((x, y) => x[0] - y[0])) {
    await io.checkpoint();
    const block = await pf.block(b);
    await decodePackBlock(model, h, b, block, item.input, which, async (i, d) => {
      const out = path.join(item.output, `${names[i]}.${ext}`);
      const label = `${item.input} image ${i}`;
      try {
        const bytes = await writeImage(out, d, input.format, input.overwrite ?? false, label);
        files.push({
          input: item.input,
          output: out,
          bytes,
          width: d.image.width,
          height: d.image.height,
          channels: d.image.channels,
          image: i,
        });
      } catch (err) {
        failed.push(failure(label, err));
      }
    });
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

/** A format-v2 pack: each asked image's streams decode on their own (its block's CRC checked first). */
async function decompressPackV2(
  item: DecompressBatchInput['items'][number],
  input: DecompressBatchInput,
  modelFor: (id: string) => Promise<CodecModel>,
  files: DecompressedFile[],
  failed: CodecFailure[],
  io: BatchIO,
): Promise<void> {
  const pack = await readPackV2File(item.input);
  const model = await modelFor(item.modelId);
  const ref = v2Ref(pack.params);
  const wanted = input.images ?? Array.from({ length: pack.count }, (_, i) => i);
  const taken = new Set<string>();
  const names = pack.header.entries.map((e, i) => packImageName(e.name, i, taken));
  const ext = input.format === 'jpeg' ? 'jpg' : input.format;
  for (const i of wanted) {
    const label = `${item.input} image ${i}`;
    if (i >= pack.count) {
      failed.push({ path: item.input, error: `${item.input}: has no image ${i} (it holds ${pack.count})` });
      continue;
    }
    await io.checkpoint();
    try {
      const image = pack.image(i);
      const d = await decodeSingle(model, { kind: 'single-v2', params: { ...pack.params, ...ref }, image, bytes: 0 }, label);
      const out = path.join(item.output, `${names[i]}.${ext}`);
      const bytes = await writeImage(out, d, input.format, input.overwrite ?? false, label);
      files.push({
        input: item.input,
        output: out,
        bytes,
        width: d.image.width,
        height: d.image.height,
        channels: d.image.channels,
        image: i,
      });
    } catch (err) {
      failed.push(failure(label, err));
    }
  }
}
