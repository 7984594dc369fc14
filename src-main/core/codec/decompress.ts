// .latent contents -> pixels: check the decoder fits, entropy-decode the symbols (bit-exact),
// dequantize, run the model's decoder at the original size, and restore the original channels
// (gray, RGB, or RGB plus the lossless alpha plane). Every entry point checks the declared image
// size against the pixel limit first (pixel-limit.ts), so no decode starts on a bomb.
import { StudioError } from '../contract/errors.js';
import { DEFAULT_MAX_PIXELS } from '../contract/limits.js';
import type { RawImage } from '../imaging/index.js';
import { decodeAlpha } from './alpha-coder.js';
import {
  isPack,
  readPack,
  readPackBlock,
  readSingle,
  tagHex,
  weightsTag,
  type CodeParams,
  type ImageEntry,
  type PackBlock,
  type PackHeader,
} from './container.js';
import { GridDecoder } from './grid-coder.js';
import { isPackV2, isV2, modelTag, readPackV2 } from './container-v2.js';
import { readAnySingle, v2Ref, type AnySingleLatent, type SingleLatentV2 } from './any-latent.js';
import { expectedGrid, modelTile, type CodecModel, type CodeGrid, type TileProgress } from './model.js';
import { checkImagePixels, checkPackPixels } from '../imaging/pixel-limit.js';
import { joinAlpha, toChannels } from '../imaging/pixels.js';
import { dequantize } from './quantize.js';

export interface DecodedImage {
  image: RawImage;
  exif?: Uint8Array;
  icc?: Uint8Array;
  name?: string;
}

/** The model must be the one the file names, with the same decoder weights and code layout. */
export function checkModelFits(model: CodecModel, params: CodeParams, label: string): void {
  if (model.id !== params.modelId) throw new StudioError('bad-request', `${label}: needs model ${params.modelId}, got ${model.id}`);
  const have = weightsTag(model.weightsHash);
  if (tagHex(have) !== tagHex(params.weightsTag)) {
    throw new StudioError(
      'bad-request',
      `${label}: decoder hash mismatch (file made with weights ${tagHex(params.weightsTag)}, model ${model.id} in the catalog has ${tagHex(have)})`,
    );
  }
  if (params.tile !== modelTile(model)) {
    throw new StudioError('bad-request', `${label}: corrupt header (tile ${params.tile} does not match model ${model.id})`);
  }
}

/** The file's code grid for an image must be the one the model makes for that size. */
function checkGrid(model: CodecModel, params: CodeParams, e: Omit<ImageEntry, 'exif' | 'icc'>, label: string): void {
  const want = expectedGrid(model, e.width, e.height);
  if (want && (want.gh !== e.gh || want.gw !== e.gw || want.c !== params.codeChannels)) {
    throw new StudioError(
      'bad-request',
      `${label}: corrupt header (a ${e.gh}x${e.gw}x${params.codeChannels} code for ${e.width}x${e.height}, model ${model.id} makes ${want.gh}x${want.gw}x${want.c})`,
    );
  }
}

function corrupt(label: string, err: unknown): StudioError {
  const why = err instanceof Error ? err.message : String(err);
  return new StudioError('bad-request', `${label}: corrupt payload (${why})`);
}

/** Runs the decoder on decoded symbols and restores the original channel layout. */
async function reconstruct(
  model: CodecModel,
  params: CodeParams,
  entry: Omit<ImageEntry, 'exif' | 'icc'>,
  symbols: Int32Array,
  alpha: Uint8Array | undefined,
  label: string,
): Promise<RawImage> {
  const code: CodeGrid = { data: dequantize(symbols, params.step), gh: entry.gh, gw: entry.gw, c: params.codeChannels };
  let recon: RawImage;
  try {
    recon = await model.decode(code, entry.width, entry.height);
  } catch (err) {
    if (err instanceof StudioError) throw new StudioError(err.code, `${label}: ${err.message}`);
    throw new StudioError(
      'bad-request',
      `${label}: its ${entry.gh}x${entry.gw}x${params.codeChannels} code does not fit model ${model.id} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    );
  }
  if (recon.width !== entry.width || recon.height !== entry.height) {
    throw new StudioError(
      'internal',
      `${label}: model ${model.id} decoded ${recon.width}x${recon.height}, expected ${entry.width}x${entry.height}`,
    );
  }
  if (entry.channels === 4) {
    let plane: Uint8Array;
    try {
      plane = decodeAlpha(alpha!, entry.width, entry.height);
    } catch (err) {
      throw corrupt(label, err);
    }
    return joinAlpha(recon, plane);
  }
  return toChannels(recon, entry.channels);
}

/** A format-v2 single file: the model's family decodes its streams. */
async function decodeSingleV2(
  model: CodecModel,
  latent: SingleLatentV2,
  label: string,
  maxPixels: number,
  onTiles?: TileProgress,
): Promise<DecodedImage> {
  const { params, image: e } = latent;
  checkImagePixels(label, e.width, e.height, maxPixels);
  const have = tagHex(modelTag(model.weightsHash));
  if (have !== tagHex(params.tag))
    throw new StudioError(
      'bad-request',
      `${label}: decoder hash mismatch (file made with model tag ${tagHex(params.tag)}, model ${model.id} has ${have})`,
    );
  if (!model.learned || model.learned.formatId !== params.family)
    throw new StudioError(
      'bad-request',
      `${label}: made by model family ${params.family}, model ${model.id} is ${model.learned?.family ?? 'a v1 model'}`,
    );
  let recon: RawImage;
  try {
    recon = await model.learned.decompress(e.streams, e.width, e.height, params.quality, onTiles);
  } catch (err) {
    throw corrupt(label, err);
  }
  if (recon.width !== e.width || recon.height !== e.height)
    throw new StudioError(
      'internal',
      `${label}: model ${model.id} decoded ${recon.width}x${recon.height}, expected ${e.width}x${e.height}`,
    );
  let image: RawImage;
  if (e.channels === 4) {
    let plane: Uint8Array;
    try {
      plane = decodeAlpha(e.alpha!, e.width, e.height);
    } catch (err) {
      throw corrupt(label, err);
    }
    image = joinAlpha(recon, plane);
  } else image = toChannels(recon, e.channels);
  return { image, ...(e.exif ? { exif: e.exif } : {}), ...(e.icc ? { icc: e.icc } : {}) };
}

/**
 * Decodes one image; refused before any work when it declares more than `maxPixels`. `onTiles`:
 * after every synthesis tile of a learned family (a large image takes a minute).
 */
export async function decodeSingle(
  model: CodecModel,
  latent: AnySingleLatent,
  label: string,
  maxPixels = DEFAULT_MAX_PIXELS,
  onTiles?: TileProgress,
): Promise<DecodedImage> {
  if (latent.kind === 'single-v2') return decodeSingleV2(model, latent, label, maxPixels, onTiles);
  const { image: e, params } = latent;
  checkImagePixels(label, e.width, e.height, maxPixels);
  checkModelFits(model, latent.params, label);
  checkGrid(model, params, e, label);
  let symbols: Int32Array;
  try {
    symbols = new GridDecoder(latent.payload, params.codeChannels, params.predictor).decode(e.gh, e.gw);
  } catch (err) {
    throw corrupt(label, err);
  }
  const image = await reconstruct(model, params, e, symbols, latent.alpha, label);
  return { image, ...(e.exif ? { exif: e.exif } : {}), ...(e.icc ? { icc: e.icc } : {}) };
}

export interface PackBlockOptions {
  /** Pack-wide indices of the images to decode, inside the block (default all of them). */
  which?: number[];
  onImage?: (index: number, img: DecodedImage) => Promise<void>;
  /** Largest image (default DEFAULT_MAX_PIXELS): every image of the block is checked first. */
  maxPixels?: number;
}

/**
 * Decodes images of one pack block. Symbols of earlier images are decoded too (they carry the
 * statistics), but only the asked ones go through the network.
 */
export async function decodePackBlock(
  model: CodecModel,
  header: PackHeader,
  b: number,
  block: PackBlock,
  label: string,
  options: PackBlockOptions = {},
): Promise<void> {
  const { which, onImage, maxPixels = DEFAULT_MAX_PIXELS } = options;
  const meta = header.blocks[b]!;
  // Every image of the block: the symbols of unasked ones are decoded too.
  for (let i = meta.first; i < meta.first + meta.count; i++) {
    const e = header.images[i]!;
    checkImagePixels(`${label} image ${i}`, e.width, e.height, maxPixels);
  }
  checkModelFits(model, header.params, label);
  for (let i = meta.first; i < meta.first + meta.count; i++) checkGrid(model, header.params, header.images[i]!, `${label} image ${i}`);
  const wanted = new Set(which ?? Array.from({ length: meta.count }, (_, k) => meta.first + k));
  const last = Math.max(...wanted);
  let dec: GridDecoder;
  try {
    dec = new GridDecoder(block.payload, header.params.codeChannels, header.params.predictor);
  } catch (err) {
    throw corrupt(label, err);
  }
  for (let i = meta.first; i <= last; i++) {
    const e = header.images[i]!;
    let symbols: Int32Array;
    try {
      symbols = dec.decode(e.gh, e.gw);
    } catch (err) {
      throw corrupt(label, err);
    }
    if (!wanted.has(i)) continue;
    const side = block.sides[i - meta.first]!;
    const image = await reconstruct(model, header.params, e, symbols, side.alpha, `${label} image ${i}`);
    await onImage?.(i, {
      image,
      ...(side.exif ? { exif: side.exif } : {}),
      ...(side.icc ? { icc: side.icc } : {}),
      ...(e.name !== undefined ? { name: e.name } : {}),
    });
  }
}

/**
 * Decodes a whole .latent file or pack held in memory (every image, in order). `resolve` gets the
 * model id the bytes name and returns the model to decode with (or throws naming it). Images over
 * `maxPixels`, or a pack over its total (limits.ts), are refused before any decoding.
 */
export async function decodeLatentBytes(
  resolve: (modelId: string) => Promise<CodecModel>,
  bytes: Uint8Array,
  label: string,
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<DecodedImage[]> {
  if (isV2(bytes)) {
    if (!isPackV2(bytes)) {
      const latent = readAnySingle(bytes, label);
      checkImagePixels(label, latent.image.width, latent.image.height, maxPixels);
      return [await decodeSingle(await resolve(latent.params.modelId), latent, label, maxPixels)];
    }
    const pack = readPackV2(bytes, label);
    checkPackPixels(
      label,
      pack.header.entries.map((e, index) => ({ index, width: e.width, height: e.height })),
      maxPixels,
    );
    const ref = v2Ref(pack.params);
    const model = await resolve(ref.modelId);
    const out: DecodedImage[] = [];
    for (let i = 0; i < pack.count; i++) {
      const img = pack.image(i);
      const d = await decodeSingleV2(
        model,
        { kind: 'single-v2', params: { ...pack.params, ...ref }, image: img, bytes: 0 },
        `${label} image ${i}`,
        maxPixels,
      );
      out.push({ ...d, ...(img.name !== undefined ? { name: img.name } : {}) });
    }
    return out;
  }
  if (!isPack(bytes)) {
    const latent = readSingle(bytes, label);
    checkImagePixels(label, latent.image.width, latent.image.height, maxPixels);
    return [await decodeSingle(await resolve(latent.params.modelId), latent, label, maxPixels)];
  }
  const h = readPack(bytes, label);
  checkPackPixels(
    label,
    h.images.map((e, index) => ({ index, width: e.width, height: e.height })),
    maxPixels,
  );
  const model = await resolve(h.params.modelId);
  const out: DecodedImage[] = [];
  for (let b = 0; b < h.blocks.length; b++) {
    const m = h.blocks[b]!;
    const block = readPackBlock(h, b, bytes.subarray(m.offset, m.offset + m.length), label);
    await decodePackBlock(model, h, b, block, label, {
      maxPixels,
      onImage: async (_i, d) => {
        out.push(d);
      },
    });
  }
  return out;
}
