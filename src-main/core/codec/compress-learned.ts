// Image -> format-v2 .latent bytes for the learned families: the model codes its latents into
// entropy-coded streams at a quality (1-100 maps into its range of lambdas), the container adds
// the tiny header. Target searches bisect the quality (bytes and PSNR grow with it).
import { StudioError } from '../contract/errors.js';
import { psnr } from '../imaging/psnr.js';
import { encodeAlpha } from './alpha-coder.js';
import { modelTag, writePackV2, writeSingleV2, type V2Image, type V2Params } from './container-v2.js';
import type { CodecModel, LearnedCodec, TileProgress } from './model.js';
import { toChannels } from '../imaging/pixels.js';
import { DEFAULT_QUALITY, MAX_QUALITY, MIN_QUALITY } from './quantize.js';
import { tilePasses } from './tile-progress.js';
import type { CompressResult, CompressSettings, PackResult, PreparedImage } from './compress.js';

function learnedOf(model: CodecModel): LearnedCodec {
  if (!model.learned) throw new StudioError('internal', `model ${model.id} is not a learned model`);
  return model.learned;
}

function paramsOf(model: CodecModel, quality: number): V2Params {
  return { family: learnedOf(model).formatId, tag: modelTag(model.weightsHash), quality };
}

function imageOf(img: PreparedImage, streams: Uint8Array[], alpha: Uint8Array | undefined): V2Image {
  const icc = img.meta.icc && iccFits(img.meta.icc, img.channels) ? img.meta.icc : undefined;
  return {
    width: img.color.width,
    height: img.color.height,
    channels: img.channels,
    streams,
    ...(alpha ? { alpha } : {}),
    ...(img.meta.exif ? { exif: img.meta.exif } : {}),
    ...(icc ? { icc } : {}),
  };
}

function iccFits(icc: Uint8Array, channels: number): boolean {
  if (icc.length < 20) return false;
  const space = Buffer.from(icc.subarray(16, 20)).toString('latin1');
  return channels === 1 ? space === 'GRAY' : space === 'RGB ';
}

function checkQuality(q: number): number {
  if (!Number.isInteger(q) || q < MIN_QUALITY || q > MAX_QUALITY)
    throw new StudioError('bad-request', `quality must be an integer from ${MIN_QUALITY} to ${MAX_QUALITY}, got ${q}`);
  return q;
}

/** PSNR of the decoded streams against the original colour planes (`onTiles`: that decode's tiles). */
async function measure(
  model: CodecModel,
  img: PreparedImage,
  streams: Uint8Array[],
  quality: number,
  onTiles?: TileProgress,
): Promise<number> {
  const recon = await learnedOf(model).decompress(streams, img.color.width, img.color.height, quality, onTiles);
  return psnr(img.original, toChannels(recon, img.original.channels as 1 | 3));
}

/**
 * How many passes through the tiles coding one image makes at most: an encode per quality tried,
 * a decode per PSNR measured. A bisection over the qualities tries at most ceil(log2(range)) + 1.
 */
function plannedPasses(settings: CompressSettings): number {
  const tries = Math.ceil(Math.log2(MAX_QUALITY - MIN_QUALITY + 1)) + 1;
  if (settings.targetPsnr !== undefined) return 2 * tries;
  if (settings.targetBpp !== undefined) return tries + (settings.measure ? 1 : 0);
  return 1 + (settings.measure ? 1 : 0);
}

export async function compressLearned(model: CodecModel, img: PreparedImage, settings: CompressSettings = {}): Promise<CompressResult> {
  const codec = learnedOf(model);
  const nextPass = tilePasses(settings.onTiles, plannedPasses(settings));
  const alpha = img.alpha ? encodeAlpha(img.alpha, img.color.width, img.color.height) : undefined;
  const pixels = img.color.width * img.color.height;
  interface Trial {
    quality: number;
    streams: Uint8Array[];
    bytes: Uint8Array;
    psnr?: number;
  }
  const trials = new Map<number, Trial>();
  const trial = async (quality: number): Promise<Trial> => {
    let t = trials.get(quality);
    if (!t) {
      const streams = await codec.compress(img.color, quality, nextPass());
      t = { quality, streams, bytes: writeSingleV2(paramsOf(model, quality), imageOf(img, streams, alpha)) };
      trials.set(quality, t);
    }
    return t;
  };
  const withPsnr = async (t: Trial | Promise<Trial>): Promise<Trial> => {
    const r = await t;
    r.psnr ??= await measure(model, img, r.streams, r.quality, nextPass());
    return r;
  };
  const bppOf = (t: Trial) => (t.bytes.length * 8) / pixels;
  let chosen: Trial;
  let target: CompressResult['target'];
  if (settings.targetPsnr !== undefined) {
    const wanted = settings.targetPsnr;
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
    let lo = MIN_QUALITY;
    let hi = MAX_QUALITY;
    if (bppOf(await trial(lo)) > wanted) hi = lo;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bppOf(await trial(mid)) <= wanted) lo = mid;
      else hi = mid - 1;
    }
    chosen = await trial(lo);
    target = { kind: 'bpp', wanted, reached: bppOf(chosen), met: bppOf(chosen) <= wanted };
  } else {
    chosen = await trial(checkQuality(settings.quality ?? DEFAULT_QUALITY));
  }
  if (settings.measure) await withPsnr(chosen);
  return {
    bytes: chosen.bytes,
    quality: chosen.quality,
    step: 0,
    width: img.color.width,
    height: img.color.height,
    channels: img.channels,
    bpp: bppOf(chosen),
    ...(chosen.psnr !== undefined ? { psnr: chosen.psnr } : {}),
    predictor: 'none',
    ...(target ? { target } : {}),
  };
}

/** Many images into one v2 pack (per-image index; each image's streams decode on their own). */
export async function compressPackLearned(
  model: CodecModel,
  images: AsyncIterable<{ img: PreparedImage; name?: string }>,
  settings: { quality?: number; blockSize?: number; measure?: boolean } = {},
): Promise<PackResult> {
  const quality = checkQuality(settings.quality ?? DEFAULT_QUALITY);
  const codec = learnedOf(model);
  const entries: Array<V2Image & { name?: string }> = [];
  const out: PackResult['images'] = [];
  for await (const { img, name } of images) {
    const streams = await codec.compress(img.color, quality);
    const alpha = img.alpha ? encodeAlpha(img.alpha, img.color.width, img.color.height) : undefined;
    entries.push({ ...imageOf(img, streams, alpha), ...(name !== undefined ? { name } : {}) });
    const p = settings.measure ? await measure(model, img, streams, quality) : undefined;
    out.push({
      ...(name !== undefined ? { name } : {}),
      width: img.color.width,
      height: img.color.height,
      channels: img.channels,
      ...(p !== undefined ? { psnr: p } : {}),
    });
  }
  if (entries.length === 0) throw new StudioError('bad-request', 'a pack needs at least one image');
  const bytes = writePackV2(paramsOf(model, quality), entries, settings.blockSize !== undefined ? { blockSize: settings.blockSize } : {});
  return { bytes, quality, step: 0, predictor: 'none', images: out };
}
