// Per-image samples -> one mean curve per codec (CompressAI style: the mean over images of each
// image's bpp, PSNR, MS-SSIM at one quality setting), and the BD-rates of the latent codec against
// each classical codec on PSNR and on MS-SSIM (dB).
import type { BdRatePair, ClassicalCodecName, CodecCurve, EvalCodecName, ImageEvaluation } from '../contract/eval.js';
import { bdRate, msssimDb, type RdPoint } from './bd-rate.js';
import { isReliableBdRate } from './verdict.js';
import { CLASSICAL_CODECS, isClassicalCodec } from './codecs.js';
import { effectiveBpp as addDecoder } from './rate.js';

export const LATENT_LABEL = 'Latent (this model)';
export const BASE_LABEL = 'Start model (before fine-tuning)';

export function codecLabel(codec: EvalCodecName): string {
  return codec === 'latent' ? LATENT_LABEL : codec === 'base' ? BASE_LABEL : CLASSICAL_CODECS[codec].label;
}

const CODEC_ORDER: EvalCodecName[] = ['latent', 'base', 'jpeg', 'webp', 'avif'];

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * Mean curves over the images. A codec's points are matched by quality setting; a quality some
 * image lacks is left out. A null (lossless) PSNR makes that point's mean PSNR null as well.
 */
export function buildCurves(images: ImageEvaluation[], decoderBytes?: number): Partial<Record<EvalCodecName, CodecCurve>> {
  const out: Partial<Record<EvalCodecName, CodecCurve>> = {};
  if (images.length === 0) return out;
  const pixels = images.reduce((s, i) => s + i.width * i.height, 0);
  for (const codec of CODEC_ORDER) {
    const lists = images.map((i) => i.samples[codec]);
    if (lists.some((l) => !l || l.length === 0)) continue;
    const qualities = [...new Set(lists[0]!.map((s) => s.quality))]
      .filter((q) => lists.every((l) => l!.some((s) => s.quality === q)))
      .sort((a, b) => a - b);
    const curve: CodecCurve = {
      codec,
      label: codecLabel(codec),
      quality: [],
      bpp: [],
      'psnr-rgb': [],
      'ms-ssim-rgb': [],
      encoding_time: [],
      decoding_time: [],
      bytes: [],
      ratio: [],
      rawRatio: [],
    };
    const withSsim = lists.every((l) => l!.every((s) => s.ssim !== undefined));
    if (withSsim) curve.ssim = [];
    for (const q of qualities) {
      const at = images.map((img, k) => ({ img, s: lists[k]!.find((s) => s.quality === q)! }));
      curve.quality.push(q);
      curve.bpp.push(mean(at.map((a) => a.s.bpp)));
      const psnrs = at.map((a) => a.s.psnr);
      curve['psnr-rgb'].push(psnrs.some((p) => p === null) ? null : mean(psnrs as number[]));
      curve['ms-ssim-rgb'].push(mean(at.map((a) => a.s.msssim)));
      if (curve.ssim) curve.ssim.push(mean(at.map((a) => a.s.ssim!)));
      curve.encoding_time.push(mean(at.map((a) => a.s.encodeSeconds)));
      curve.decoding_time.push(mean(at.map((a) => a.s.decodeSeconds)));
      curve.bytes.push(mean(at.map((a) => a.s.bytes)));
      curve.ratio.push(mean(at.map((a) => a.img.originalBytes / a.s.bytes)));
      curve.rawRatio.push(mean(at.map((a) => (a.img.width * a.img.height * 3) / a.s.bytes)));
    }
    if (codec === 'latent' && decoderBytes !== undefined) curve.effectiveBpp = curve.bpp.map((b) => addDecoder(b, decoderBytes, pixels));
    out[codec] = curve;
  }
  return out;
}

export function psnrPoints(c: CodecCurve): RdPoint[] {
  return c.bpp.map((rate, i) => ({ rate, quality: c['psnr-rgb'][i] ?? Infinity }));
}

export function msssimPoints(c: CodecCurve): RdPoint[] {
  return c.bpp.map((rate, i) => ({ rate, quality: msssimDb(c['ms-ssim-rgb'][i]!) }));
}

/** BD-rate of `test` against every classical curve present (the latent curve by default). */
export function bdRates(
  curves: Partial<Record<string, CodecCurve>>,
  test: string = 'latent',
): Partial<Record<ClassicalCodecName, BdRatePair>> {
  const t = curves[test];
  const out: Partial<Record<ClassicalCodecName, BdRatePair>> = {};
  if (!t) return out;
  for (const [name, anchor] of Object.entries(curves)) {
    if (!anchor || !isClassicalCodec(name) || name === test) continue;
    out[name] = { psnr: bdRate(psnrPoints(anchor), psnrPoints(t)), msssim: bdRate(msssimPoints(anchor), msssimPoints(t)) };
  }
  return out;
}

/** BD-rate of the latent curve against the start model's (what fine-tuning bought), when both exist. */
export function bdRateVsStart(curves: Partial<Record<string, CodecCurve>>): BdRatePair | undefined {
  const t = curves.latent;
  const a = curves.base;
  return t && a ? { psnr: bdRate(psnrPoints(a), psnrPoints(t)), msssim: bdRate(msssimPoints(a), msssimPoints(t)) } : undefined;
}

/** The number a table shows: BD-rate in percent, or null when there is none or too little overlap for one. */
export function bdNumber(r: BdRatePair['psnr'] | undefined): number | null {
  return r && r.ok && isReliableBdRate(r) ? r.bdRate : null;
}

/** BD-PSNR in dB (what tables show where no BD-rate is reported), or null where the rates do not overlap. */
export function bdPsnrNumber(r: BdRatePair['psnr'] | undefined): number | null {
  const q = r?.bdQuality;
  return typeof q === 'number' && Number.isFinite(q) ? q : null;
}
