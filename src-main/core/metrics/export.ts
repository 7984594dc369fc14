// Evaluations out of the studio: CompressAI's results JSON ({name, description, results: {bpp,
// psnr-rgb, ms-ssim-rgb, encoding_time, ...}}, one document per codec, loadable by CompressAI's
// plotting tools) and CSV (mean rows per codec and quality, then optionally one row per image).
import type { CodecCurve, EvalCodecName, EvaluationResult } from '../contract/eval.js';
import { msssimDb } from './bd-rate.js';

export interface CompressAiResults {
  name: string;
  description: string;
  results: {
    quality: number[];
    bpp: number[];
    'psnr-rgb': Array<number | null>;
    'ms-ssim-rgb': number[];
    encoding_time: number[];
    decoding_time: number[];
    ssim?: number[];
    effective_bpp?: number[];
  };
}

export function compressAiDocument(ev: EvaluationResult, curve: CodecCurve): CompressAiResults {
  const who = curve.codec === 'latent' ? `model ${ev.model ?? '?'}` : curve.label;
  const on = ev.dataset ? `dataset ${ev.dataset}${ev.split ? ` (${ev.split})` : ''}` : 'given images';
  return {
    name: curve.codec === 'latent' ? (ev.model ?? 'latent') : curve.codec,
    description: `${who} on ${on}, ${ev.images} images; mean over images per quality setting. ${ev.description}`.trim(),
    results: {
      quality: curve.quality,
      bpp: curve.bpp,
      'psnr-rgb': curve['psnr-rgb'],
      'ms-ssim-rgb': curve['ms-ssim-rgb'],
      encoding_time: curve.encoding_time,
      decoding_time: curve.decoding_time,
      ...(curve.ssim ? { ssim: curve.ssim } : {}),
      ...(curve.effectiveBpp ? { effective_bpp: curve.effectiveBpp } : {}),
    },
  };
}

/** One CompressAI document per codec, or just the one asked for. */
export function toCompressAiJson(ev: EvaluationResult, codec?: EvalCodecName): string {
  const curves = Object.values(ev.curves).filter((c): c is CodecCurve => c !== undefined && (codec === undefined || c.codec === codec));
  const docs = curves.map((c) => compressAiDocument(ev, c));
  return JSON.stringify(codec !== undefined ? (docs[0] ?? null) : docs, null, 2) + '\n';
}

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const CSV_COLUMNS = [
  'scope',
  'image',
  'codec',
  'quality',
  'bytes',
  'bpp',
  'effective_bpp',
  'psnr_rgb',
  'ms_ssim_rgb',
  'ms_ssim_db',
  'ssim',
  'encoding_time',
  'decoding_time',
  'ratio',
  'raw_ratio',
] as const;

/** CSV with a header; scope "mean" rows are the curves, scope "image" rows each image's samples. */
export function toCsv(ev: EvaluationResult, perImage = false): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  for (const c of Object.values(ev.curves)) {
    if (!c) continue;
    c.quality.forEach((q, i) => {
      rows.push(
        [
          'mean',
          '',
          c.codec,
          q,
          c.bytes[i],
          c.bpp[i],
          c.effectiveBpp?.[i],
          c['psnr-rgb'][i],
          c['ms-ssim-rgb'][i],
          msssimDb(c['ms-ssim-rgb'][i]!),
          c.ssim?.[i],
          c.encoding_time[i],
          c.decoding_time[i],
          c.ratio[i],
          c.rawRatio[i],
        ]
          .map(cell)
          .join(','),
      );
    });
  }
  if (perImage) {
    for (const img of ev.perImage) {
      for (const [codec, samples] of Object.entries(img.samples)) {
        for (const s of samples ?? []) {
          rows.push(
            [
              'image',
              img.path,
              codec,
              s.quality,
              s.bytes,
              s.bpp,
              undefined,
              s.psnr,
              s.msssim,
              msssimDb(s.msssim),
              s.ssim,
              s.encodeSeconds,
              s.decodeSeconds,
              img.originalBytes / s.bytes,
              (img.width * img.height * 3) / s.bytes,
            ]
              .map(cell)
              .join(','),
          );
        }
      }
    }
  }
  return rows.join('\n') + '\n';
}
