// The equal-size comparison behind the Compare view: one image through the latent codec (compressed
// now at a quality, or an existing .latent file), and for each classical codec the encoding whose
// size is closest to the latent file's, all measured against the same reference pixels and handed
// back as files the browser can show (PNG for the original and the latent reconstruction, the
// JPEG/WebP/AVIF bytes themselves for the others).
// A CompareSession keeps what does not depend on the quality between comparisons (the loaded
// model, the original's decode and PNG, every classical encoding a size search made, finished
// latent entries), so moving the quality slider pays for the latent codec and little else.
import { readFile, stat } from 'node:fs/promises';
import type { LoadedCodecModel, ModelLoader } from '../codec/model.js';
import type { CalibrationSource } from '../engine/open-model.js';
import type { PreparedImage } from '../codec/compress.js';
import { prepareFile } from '../codec-files/prepare-file.js';
import { isPack } from '../codec/container.js';
import { isPackV2 } from '../codec/container-v2.js';
import { readAnySingle } from '../codec/any-latent.js';
import { decodeSingle } from '../codec/decompress.js';
import type { EncodedImage, EqualSizeComparison, EqualSizeEntry } from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import { encodeImage, type RawImage } from '../imaging/index.js';
import { decodeEncoded, measureQuality, searchBySize, type EncodingCache } from './classical.js';
import { CLASSICAL_CODECS, type ClassicalCodec } from './codecs.js';
import { codecLabel } from './curves.js';
import { colorOnly } from '../imaging/pixels.js';
import { rateOf } from './rate.js';
import { SizedLru } from './sized-lru.js';
import { finiteOrNull, latentSample, withCalibration } from './sweep.js';
import { formatBytes } from '../system/units.js';

export interface EqualSizeInput {
  model: { id: string; dir: string; calibration?: CalibrationSource };
  /** The original image (required unless the latent file's source is known). */
  imagePath: string;
  /** Compare this .latent file instead of compressing imagePath at `quality`. */
  latentPath?: string;
  /** Quality the latent file was made at, when known (for the label). */
  latentQuality?: number | null;
  quality: number;
  codecs: ClassicalCodec[];
  /** Largest image read (the studio's "Largest image"; absent: DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

async function png(img: RawImage): Promise<EncodedImage> {
  const bytes = await encodeImage(img, 'png');
  return { mime: 'image/png', base64: bytes.toString('base64') };
}

function entry(
  codec: EqualSizeEntry['codec'],
  quality: number | null,
  bytes: number,
  ref: RawImage,
  originalBytes: number,
  m: { psnr: number; msssim: number; ssim?: number },
  image: EncodedImage,
): EqualSizeEntry {
  const r = rateOf(bytes, ref.width, ref.height, originalBytes);
  return {
    codec,
    label: codecLabel(codec),
    quality,
    bytes,
    bpp: r.bpp,
    ratio: r.ratio ?? originalBytes / bytes,
    rawRatio: r.rawRatio,
    psnr: finiteOrNull(m.psnr),
    ssim: m.ssim ?? NaN,
    msssim: m.msssim,
    image,
  };
}

/** One step of a comparison, for progress: `done` of `total` finished, `step` runs now. */
export interface CompareStep {
  done: number;
  total: number;
  step: string;
  cached: number;
}

/** A file as the cache knows it: a changed file (size or time) is another key. */
async function fileKey(file: string): Promise<string> {
  const s = await stat(file);
  return `${file}\0${s.size}\0${s.mtimeMs}`;
}

interface OriginalSlot {
  prepared: PreparedImage;
  originalBytes: number;
  png: EncodedImage;
  /** Per classical codec: every encoding a size search made. */
  encodings: Map<ClassicalCodec, EncodingCache>;
  /** Measured classical entries by codec and quality. */
  entries: Map<string, EqualSizeEntry>;
}

const MB = 1024 * 1024;

export class CompareSession {
  private model: { key: string; model: LoadedCodecModel } | null = null;
  /** Originals (decoded pixels dominate their size), a few at a time. */
  private readonly originals = new SizedLru<string, OriginalSlot>(384 * MB, 6);
  /** Finished latent entries (their PNG dominates), by model, file and quality. */
  private readonly latents = new SizedLru<string, EqualSizeEntry>(128 * MB, 48);

  constructor(private readonly loadModel: ModelLoader) {}

  private async modelFor(input: EqualSizeInput): Promise<LoadedCodecModel> {
    const key = `${input.model.id}\0${input.model.dir}`;
    if (this.model?.key === key) return this.model.model;
    this.model?.model.dispose();
    this.model = null;
    const model = await withCalibration(await this.loadModel(input.model), input.model.calibration);
    this.model = { key, model };
    return model;
  }

  private async original(model: LoadedCodecModel, file: string, key: string, maxPixels?: number): Promise<OriginalSlot> {
    const k = `${model.card.channels}\0${key}`;
    const found = this.originals.get(k);
    if (found) return found;
    const prepared = await prepareFile(model, file, false, maxPixels);
    const slot: OriginalSlot = {
      prepared,
      originalBytes: (await stat(file)).size,
      png: await png(prepared.original),
      encodings: new Map(),
      entries: new Map(),
    };
    this.originals.set(k, slot, prepared.original.data.length + prepared.color.data.length + slot.png.base64.length);
    return slot;
  }

  async compare(input: EqualSizeInput, onStep: (s: CompareStep) => void = () => {}): Promise<EqualSizeComparison> {
    const modelKey = `${input.model.id}\0${input.model.dir}`;
    const needsModel = this.model?.key !== modelKey;
    const total = input.codecs.length + 1 + (needsModel ? 1 : 0);
    let done = 0;
    let cached = 0;
    const step = (text: string) => onStep({ done, total, step: text, cached });
    if (needsModel) step('Loading the model');
    const model = await this.modelFor(input);
    if (needsModel) done++;

    const imageKey = await fileKey(input.imagePath);
    const slot = await this.original(model, input.imagePath, imageKey, input.maxPixels);
    const ref = slot.prepared.original;
    const originalBytes = slot.originalBytes;

    let latent: EqualSizeEntry;
    if (input.latentPath) {
      const latentKey = `${modelKey}\0${imageKey}\0file\0${await fileKey(input.latentPath)}\0${input.latentQuality ?? ''}`;
      const found = this.latents.get(latentKey);
      step(`Decoding ${input.latentPath.split(/[\\/]/).pop()}`);
      if (found) {
        latent = found;
        cached++;
      } else {
        const bytes = await readFile(input.latentPath);
        if (isPack(bytes) || isPackV2(bytes))
          throw new StudioError('unsupported', `${input.latentPath}: a pack holds many images; compare one .latent file`);
        const decoded = await decodeSingle(model, readAnySingle(bytes, input.latentPath), input.latentPath, input.maxPixels);
        const recon = colorOnly(decoded.image);
        if (recon.width !== ref.width || recon.height !== ref.height) {
          throw new StudioError(
            'bad-request',
            `${input.latentPath}: holds a ${recon.width}x${recon.height} image, but ${input.imagePath} is ${ref.width}x${ref.height}`,
          );
        }
        const m = measureQuality(ref, recon, { ssim: true });
        latent = entry('latent', input.latentQuality ?? null, bytes.length, ref, originalBytes, m, await png(recon));
        this.latents.set(latentKey, latent, latent.image.base64.length);
      }
    } else {
      const latentKey = `${modelKey}\0${imageKey}\0q${input.quality}`;
      const found = this.latents.get(latentKey);
      step(`Encoding with the model at quality ${input.quality}`);
      if (found) {
        latent = found;
        cached++;
      } else {
        const s = await latentSample(model, slot.prepared, input.quality, { ssim: true });
        latent = entry('latent', input.quality, s.bytes.length, ref, originalBytes, s.metrics, await png(s.recon));
        this.latents.set(latentKey, latent, latent.image.base64.length);
      }
    }
    done++;

    const classical: EqualSizeEntry[] = [];
    for (const codec of input.codecs) {
      step(`${CLASSICAL_CODECS[codec].label} closest to ${formatBytes(latent.bytes)}`);
      let cache = slot.encodings.get(codec);
      if (!cache) slot.encodings.set(codec, (cache = new Map()));
      const before = cache.size;
      const bytesBefore = sizeOf(cache);
      const found = await searchBySize(ref, codec, latent.bytes, cache);
      this.originals.grow(`${model.card.channels}\0${imageKey}`, sizeOf(cache) - bytesBefore);
      const key = `${codec}\0${found.quality}`;
      let e = slot.entries.get(key);
      if (!e) {
        const recon = await decodeEncoded(found.encoded, colorOnly(ref).channels as 1 | 3, `${codec} q${found.quality}`);
        const m = measureQuality(colorOnly(ref), recon, { ssim: true });
        const image = { mime: CLASSICAL_CODECS[codec].mime, base64: found.encoded.toString('base64') };
        slot.entries.set(key, (e = entry(codec, found.quality, found.encoded.length, ref, originalBytes, m, image)));
      } else if (cache.size === before) cached++;
      // Whether this is the codec's smallest file depends on the latent file's size, not on the entry.
      classical.push(found.atSmallest ? { ...e, atSmallest: true } : e);
      done++;
    }
    step('Done');
    return {
      path: input.imagePath,
      width: ref.width,
      height: ref.height,
      channels: slot.prepared.channels,
      originalBytes,
      original: slot.png,
      model: model.id,
      latent,
      classical,
    };
  }

  dispose(): void {
    this.model?.model.dispose();
    this.model = null;
    this.originals.clear();
    this.latents.clear();
  }
}

function sizeOf(cache: EncodingCache): number {
  let n = 0;
  for (const e of cache.values()) n += e.encoded.length;
  return n;
}

/** One comparison without a session (nothing kept afterwards). */
export async function compareAtEqualSize(input: EqualSizeInput, loadModel: ModelLoader): Promise<EqualSizeComparison> {
  const session = new CompareSession(loadModel);
  try {
    return await session.compare(input);
  } finally {
    session.dispose();
  }
}
