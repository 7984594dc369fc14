// One pack into its folder, for a folder batch and the single-file path alike (process-item.ts):
// every asked image is checked from the index (there, within the limits, JPEG-compatible) before
// the model loads, decoded into a temporary folder, and the folder put in place at the end
// (pack-output.ts). Any failure refuses the whole pack with its reason and leaves no output.
import { open } from 'node:fs/promises';
import type { DecompressedFile } from '../contract/codec.js';
import { StudioError } from '../contract/errors.js';
import { isV2 } from '../codec/container-v2.js';
import { decodePackBlock, decodeSingle, type DecodedImage } from '../codec/decompress.js';
import { v2Ref } from '../codec/any-latent.js';
import { PackFile, readPackV2File } from '../codec-files/latent-file.js';
import type { CodecModel } from '../codec/model.js';
import { encodeImage, type OutputFormat, type RawImage } from '../imaging/index.js';
import { checkPackPixels } from '../imaging/pixel-limit.js';
import { PackStage } from './pack-output.js';

/** THE refusal of an image with alpha as JPEG (a single file's or a pack image's `label`). */
export function checkJpegAlpha(format: OutputFormat, channels: number, label: string): void {
  if (format === 'jpeg' && channels === 4) {
    throw new StudioError('bad-request', `${label}: has an alpha channel, which JPEG cannot hold (decompress to png or webp)`);
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

/** What a pack's index says of each image, for either format version. */
interface PackIndex {
  images: Array<{ width: number; height: number; channels: number; name?: string }>;
  /** Decodes the asked images (pack-wide indices, ascending), handing each over as it is done. */
  decode(model: CodecModel, wanted: number[], onImage: (i: number, d: DecodedImage) => Promise<void>): Promise<void>;
}

async function openPackV1(file: string, maxPixels: number, checkpoint: () => Promise<void>): Promise<PackIndex> {
  const pf = await PackFile.open(file);
  const h = pf.header;
  return {
    images: h.images,
    async decode(model, wanted, onImage) {
      const byBlock = new Map<number, number[]>();
      for (const i of wanted) byBlock.set(pf.blockOf(i), [...(byBlock.get(pf.blockOf(i)) ?? []), i]);
      for (const [b, which] of [...byBlock.entries()].sort((x, y) => x[0] - y[0])) {
        await checkpoint();
        await decodePackBlock(model, h, b, await pf.block(b), file, { which, onImage, maxPixels });
      }
    },
  };
}

/** A format-v2 pack: each asked image's streams decode on their own (its block's CRC checked first). */
async function openPackV2(file: string, maxPixels: number, checkpoint: () => Promise<void>): Promise<PackIndex> {
  const pack = await readPackV2File(file);
  const ref = v2Ref(pack.params);
  return {
    images: pack.header.entries,
    async decode(model, wanted, onImage) {
      for (const i of wanted) {
        await checkpoint();
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

export interface PackOptions {
  format: OutputFormat;
  overwrite: boolean;
  maxPixels: number;
  /** Pack images to decode (default all). */
  images?: number[];
}

/** `folder`: where the images go. `model` is asked for only once the index has passed its checks. */
export async function decompressPackFile(
  file: string,
  folder: string,
  options: PackOptions,
  model: () => Promise<CodecModel>,
  checkpoint: () => Promise<void>,
): Promise<DecompressedFile[]> {
  const { format, maxPixels } = options;
  const head = await readHead(file);
  const pack = isV2(head) ? await openPackV2(file, maxPixels, checkpoint) : await openPackV1(file, maxPixels, checkpoint);
  const count = pack.images.length;
  const wanted = [...new Set(options.images ?? pack.images.map((_, i) => i))].sort((a, b) => a - b);
  const missing = wanted.find((i) => i >= count);
  if (missing !== undefined) throw new StudioError('bad-request', `${file}: has no image ${missing} (it holds ${count})`);
  checkPackPixels(
    file,
    wanted.map((i) => ({ index: i, ...pack.images[i]! })),
    maxPixels,
  );
  for (const i of wanted) checkJpegAlpha(format, pack.images[i]!.channels, `${file} image ${i}`);
  const taken = new Set<string>();
  const ext = format === 'jpeg' ? 'jpg' : format;
  const names = pack.images.map((e, i) => `${packImageName(e.name, i, taken)}.${ext}`);
  const coder = await model();
  const stage = await PackStage.open(
    folder,
    wanted.map((i) => names[i]!),
    options.overwrite,
  );
  try {
    const files: DecompressedFile[] = [];
    await pack.decode(coder, wanted, async (i, d) => {
      const bytes = await encodeDecoded(d, format, `${file} image ${i}`);
      const output = await stage.write(names[i]!, bytes);
      files.push({
        input: file,
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
