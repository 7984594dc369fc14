// Image -> .latent bytes: encode with the model, quantize at the quality's step, entropy-code the
// symbols, and wrap them in the container with the alpha plane and metadata. Target searches
// (--target-psnr, --target-bpp) encode once and bisect the quality over quantize + entropy coding
// (+ decode for PSNR), since bytes and PSNR both grow with the quality. Pixels come in already
// decoded (prepareRaw; an image file is codec-files/prepare-file.ts's).
import { StudioError } from '../contract/errors.js';
import type { RawImage } from '../imaging/index.js';
import { psnr } from '../imaging/psnr.js';
import { encodeAlpha } from './alpha-coder.js';
import {
  weightsTag,
  writePack,
  writeSingle,
  type CodeParams,
  type ImageEntry,
  type OutputChannels,
  type PackImageInput,
} from './container.js';
import { GridEncoder, PREDICTORS, type Predictor } from './grid-coder.js';
import type { SourceMetadata } from './metadata.js';
import { modelTile, type CodecModel, type CodeGrid, type TileProgress } from './model.js';
import { splitAlpha, toChannels } from '../imaging/pixels.js';
import { compressLearned, compressPackLearned } from './compress-learned.js';
import { DEFAULT_QUALITY, MAX_QUALITY, MIN_QUALITY, dequantize, quantize, stepFor } from './quantize.js';

/** An image made ready for a model: the colour planes it codes, and what is kept aside. */
export interface PreparedImage {
  /** Pixels in the model's channel count. */
  color: RawImage;
  /** The original without alpha (1 or 3 channels), for measuring PSNR. */
  original: RawImage;
  channels: OutputChannels;
  alpha?: Uint8Array;
  meta: SourceMetadata;
}

export function prepareRaw(model: CodecModel, raw: RawImage, meta: SourceMetadata = {}): PreparedImage {
  const { color, alpha } = splitAlpha(raw);
  const kept = alpha && !isOpaque(alpha) ? alpha : undefined;
  return {
    color: toChannels(color, model.card.channels),
    original: raw.channels === 4 ? color : raw,
    // An opaque RGBA source is stored, and comes back, as RGB.
    channels: kept ? 4 : raw.channels === 4 ? 3 : raw.channels,
    ...(kept ? { alpha: kept } : {}),
    meta,
  };
}

/** An alpha plane that is all 255 adds nothing: store the image as RGB. */
function isOpaque(alpha: Uint8Array): boolean {
  for (let i = 0; i < alpha.length; i++) if (alpha[i] !== 255) return false;
  return true;
}

export interface CompressSettings {
  /** 1-100; default DEFAULT_QUALITY. Ignored when a target is given. */
  quality?: number;
  /** Search the lowest quality whose PSNR reaches this (dB). */
  targetPsnr?: number;
  /** Search the highest quality whose file stays within this many bits per pixel. */
  targetBpp?: number;
  /** Also decode and measure PSNR (always done for targetPsnr). */
  measure?: boolean;
  /** Learned families: after every transform tile of each coding pass (a target search makes several). */
  onTiles?: TileProgress;
}

export interface CompressResult {
  bytes: Uint8Array;
  quality: number;
  step: number;
  width: number;
  height: number;
  channels: OutputChannels;
  /** File bits per pixel, container overhead included. */
  bpp: number;
  /** PSNR of the reconstruction over the colour channels (alpha is lossless), when measured. */
  psnr?: number;
  predictor: Predictor;
  target?: { kind: 'psnr' | 'bpp'; wanted: number; reached: number; met: boolean };
}

interface Trial {
  quality: number;
  step: number;
  symbols: Int32Array;
  bytes: Uint8Array;
  predictor: Predictor;
  psnr?: number;
}

/** Symbols a predictor trial looks at before the winner codes everything. */
const TRIAL_SYMBOLS = 1 << 15;

function codeWith(grids: Array<{ symbols: Int32Array; gh: number; gw: number }>, channels: number, predictor: Predictor): Uint8Array {
  const hint = grids.reduce((n, g) => n + g.symbols.length, 0);
  const enc = new GridEncoder(channels, predictor, Math.max(64, hint >> 1));
  for (const g of grids) enc.encode(g.symbols, g.gh, g.gw);
  return enc.finish();
}

/** The first rows of the grids, about TRIAL_SYMBOLS symbols in all, for choosing a predictor. */
function sample(
  grids: Array<{ symbols: Int32Array; gh: number; gw: number }>,
  channels: number,
): Array<{ symbols: Int32Array; gh: number; gw: number }> {
  const out: Array<{ symbols: Int32Array; gh: number; gw: number }> = [];
  let left = TRIAL_SYMBOLS;
  for (const g of grids) {
    if (left <= 0) break;
    const row = g.gw * channels;
    const rows = Math.min(g.gh, Math.max(2, Math.ceil(left / row)));
    out.push({ symbols: g.symbols.subarray(0, rows * row), gh: rows, gw: g.gw });
    left -= rows * row;
  }
  return out;
}

/**
 * Entropy-codes grids in one stream with the predictor that codes them smallest. Large inputs
 * choose on a sample of their first rows and then code once.
 */
export function codeBest(
  grids: Array<{ symbols: Int32Array; gh: number; gw: number }>,
  channels: number,
): { payload: Uint8Array; predictor: Predictor } {
  const total = grids.reduce((n, g) => n + g.symbols.length, 0);
  const trial = total > 2 * TRIAL_SYMBOLS ? sample(grids, channels) : grids;
  let best: { payload: Uint8Array; predictor: Predictor } | undefined;
  // With no spatial neighbours (1x1 grids) the spatial predictor is the mean predictor.
  const flat = grids.every((g) => g.gh * g.gw <= 1);
  for (const predictor of PREDICTORS) {
    if (flat && predictor === 'spatial') continue;
    const payload = codeWith(trial, channels, predictor);
    if (!best || payload.length < best.payload.length) best = { payload, predictor };
  }
  return trial === grids ? best! : { payload: codeWith(grids, channels, best!.predictor), predictor: best!.predictor };
}

function checkQuality(q: number): number {
  if (!Number.isInteger(q) || q < MIN_QUALITY || q > MAX_QUALITY) {
    throw new StudioError('bad-request', `quality must be an integer from ${MIN_QUALITY} to ${MAX_QUALITY}, got ${q}`);
  }
  return q;
}

function baseParams(model: CodecModel, code: CodeGrid, step: number, predictor: Predictor, tile: number): CodeParams {
  return { modelId: model.id, weightsTag: weightsTag(model.weightsHash), predictor, codeChannels: code.c, tile, step };
}

function entryOf(img: PreparedImage, code: CodeGrid): ImageEntry {
  const icc = img.meta.icc && iccFits(img.meta.icc, img.channels) ? img.meta.icc : undefined;
  return {
    width: img.color.width,
    height: img.color.height,
    channels: img.channels,
    gh: code.gh,
    gw: code.gw,
    ...(img.meta.exif ? { exif: img.meta.exif } : {}),
    ...(icc ? { icc } : {}),
  };
}

/** Only profiles for the colour space we output are carried (a CMYK profile cannot describe RGB pixels). */
function iccFits(icc: Uint8Array, channels: number): boolean {
  if (icc.length < 20) return false;
  const space = Buffer.from(icc.subarray(16, 20)).toString('latin1');
  return channels === 1 ? space === 'GRAY' : space === 'RGB ';
}

/** Decodes symbols with the model and measures PSNR against the original colour planes. */
export async function measurePsnr(
  model: CodecModel,
  img: PreparedImage,
  code: CodeGrid,
  symbols: Int32Array,
  step: number,
): Promise<number> {
  const recon = await model.decode(
    { data: dequantize(symbols, step), gh: code.gh, gw: code.gw, c: code.c },
    img.color.width,
    img.color.height,
  );
  return psnr(img.original, toChannels(recon, img.original.channels as 1 | 3));
}

export async function compressImage(model: CodecModel, img: PreparedImage, settings: CompressSettings = {}): Promise<CompressResult> {
  if (model.learned) return compressLearned(model, img, settings);
  const code = await model.encode(img.color);
  const alpha = img.alpha ? encodeAlpha(img.alpha, img.color.width, img.color.height) : undefined;
  const entry = entryOf(img, code);
  const tile = modelTile(model);
  const pixels = img.color.width * img.color.height;

  const trials = new Map<number, Trial>();
  const trial = (quality: number): Trial => {
    const found = trials.get(quality);
    if (found) return found;
    const step = stepFor(quality, model.card);
    const symbols = quantize(code.data, step);
    const { payload, predictor } = codeBest([{ symbols, gh: code.gh, gw: code.gw }], code.c);
    const bytes = writeSingle({
      params: baseParams(model, code, step, predictor, tile),
      image: entry,
      payload,
      ...(alpha ? { alpha } : {}),
    });
    const t: Trial = { quality, step, symbols, bytes, predictor };
    trials.set(quality, t);
    return t;
  };
  const withPsnr = async (t: Trial): Promise<Trial> => {
    t.psnr ??= await measurePsnr(model, img, code, t.symbols, t.step);
    return t;
  };
  const bppOf = (t: Trial) => (t.bytes.length * 8) / pixels;

  let chosen: Trial;
  let target: CompressResult['target'];
  if (settings.targetPsnr !== undefined) {
    const wanted = settings.targetPsnr;
    // Lowest quality whose PSNR reaches the target; PSNR grows with quality.
    let lo = MIN_QUALITY;
    let hi = MAX_QUALITY;
    if ((await withPsnr(trial(hi))).psnr! < wanted) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((await withPsnr(trial(mid))).psnr! >= wanted) hi = mid;
      else lo = mid + 1;
    }
    chosen = await withPsnr(trial(lo));
    target = { kind: 'psnr', wanted, reached: chosen.psnr!, met: chosen.psnr! >= wanted };
  } else if (settings.targetBpp !== undefined) {
    const wanted = settings.targetBpp;
    // Highest quality whose size stays within the budget; size grows with quality.
    let lo = MIN_QUALITY;
    let hi = MAX_QUALITY;
    if (bppOf(trial(lo)) > wanted) hi = lo;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bppOf(trial(mid)) <= wanted) lo = mid;
      else hi = mid - 1;
    }
    chosen = trial(lo);
    target = { kind: 'bpp', wanted, reached: bppOf(chosen), met: bppOf(chosen) <= wanted };
  } else {
    chosen = trial(checkQuality(settings.quality ?? DEFAULT_QUALITY));
  }
  if (settings.measure) await withPsnr(chosen);

  return {
    bytes: chosen.bytes,
    quality: chosen.quality,
    step: chosen.step,
    width: entry.width,
    height: entry.height,
    channels: entry.channels,
    bpp: bppOf(chosen),
    ...(chosen.psnr !== undefined ? { psnr: chosen.psnr } : {}),
    predictor: chosen.predictor,
    ...(target ? { target } : {}),
  };
}

/** Images per entropy-coder block in a pack: statistics are shared inside a block. */
export const DEFAULT_PACK_BLOCK = 64;

export interface PackResult {
  bytes: Uint8Array;
  quality: number;
  step: number;
  predictor: Predictor;
  images: Array<{ name?: string; width: number; height: number; channels: OutputChannels; psnr?: number }>;
}

/**
 * Many images of one dataset into one pack: one header, an index, blocks of shared statistics.
 * Images are taken one at a time from `images` (only their symbols are kept), so a large set
 * never sits in memory as pixels.
 */
export async function compressPack(
  model: CodecModel,
  images: AsyncIterable<{ img: PreparedImage; name?: string }>,
  settings: { quality?: number; blockSize?: number; measure?: boolean } = {},
): Promise<PackResult> {
  if (model.learned) return compressPackLearned(model, images, settings);
  const quality = checkQuality(settings.quality ?? DEFAULT_QUALITY);
  const step = stepFor(quality, model.card);
  const coded: Array<{ symbols: Int32Array; gh: number; gw: number; input: PackImageInput; psnr?: number }> = [];
  let channels = 0;
  for await (const { img, name } of images) {
    const code = await model.encode(img.color);
    channels ||= code.c;
    if (code.c !== channels) throw new StudioError('internal', `model ${model.id} gave ${code.c} code channels, expected ${channels}`);
    const symbols = quantize(code.data, step);
    const alpha = img.alpha ? encodeAlpha(img.alpha, img.color.width, img.color.height) : undefined;
    const psnr = settings.measure ? await measurePsnr(model, img, code, symbols, step) : undefined;
    coded.push({
      symbols,
      gh: code.gh,
      gw: code.gw,
      input: { entry: entryOf(img, code), ...(alpha ? { alpha } : {}), ...(name !== undefined ? { name } : {}) },
      ...(psnr !== undefined ? { psnr } : {}),
    });
  }
  if (coded.length === 0) throw new StudioError('bad-request', 'a pack needs at least one image');
  const blockSize = Math.min(settings.blockSize ?? DEFAULT_PACK_BLOCK, coded.length);
  // One predictor for the whole pack: the one that codes the first block smallest.
  const predictor = codeBest(coded.slice(0, blockSize), channels).predictor;
  const blocks: Uint8Array[] = [];
  for (let b = 0; b < coded.length; b += blockSize) {
    const enc = new GridEncoder(channels, predictor);
    for (const g of coded.slice(b, b + blockSize)) enc.encode(g.symbols, g.gh, g.gw);
    blocks.push(enc.finish());
  }
  const params: CodeParams = {
    modelId: model.id,
    weightsTag: weightsTag(model.weightsHash),
    predictor,
    codeChannels: channels,
    tile: modelTile(model),
    step,
  };
  const bytes = writePack(
    params,
    coded.map((c) => c.input),
    blockSize,
    blocks,
  );
  return {
    bytes,
    quality,
    step,
    predictor,
    images: coded.map((c) => ({
      ...(c.input.name !== undefined ? { name: c.input.name } : {}),
      width: c.input.entry.width,
      height: c.input.entry.height,
      channels: c.input.entry.channels,
      ...(c.psnr !== undefined ? { psnr: c.psnr } : {}),
    })),
  };
}
