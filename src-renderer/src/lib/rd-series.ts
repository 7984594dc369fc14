// Turning evaluations into chart series: rate-distortion (bpp against PSNR or MS-SSIM) and
// compression ratio against quality. Several evaluations can share a chart: each adds its model's
// latent curve; the classical codecs come from the first (they were measured on its images).
import { CLASSICAL_CODEC_NAMES } from '../../../src-main/core/contract/eval';
import type { CodecCurve, EvaluationResult } from '../../../src-main/core/contract/eval';
import type { Series } from './series';

export type Metric = 'psnr' | 'msssim' | 'ratio';

/** What a point is, whatever the chart's axes: its quality setting, PSNR, MS-SSIM and rate. */
export function pointTip(c: CodecCurve, i: number): string {
  const psnr = c['psnr-rgb'][i];
  const ms = c['ms-ssim-rgb'][i];
  const bpp = c.bpp[i];
  return [
    `quality ${c.quality[i] ?? '?'}`,
    psnr === null || psnr === undefined || !Number.isFinite(psnr) ? (psnr === undefined ? null : 'lossless') : `PSNR ${psnr.toFixed(2)} dB`,
    typeof ms === 'number' ? `MS-SSIM ${ms.toFixed(4)}` : null,
    typeof bpp === 'number' ? `${bpp.toFixed(3)} bpp` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function points(c: CodecCurve, metric: Metric, effective = false): Series['points'] {
  const xs = metric === 'ratio' ? c.quality : effective && c.effectiveBpp ? c.effectiveBpp : c.bpp;
  const ys = metric === 'psnr' ? c['psnr-rgb'] : metric === 'msssim' ? c['ms-ssim-rgb'] : c.ratio;
  const out: Series['points'] = [];
  xs.forEach((x, i) => {
    const y = ys[i];
    if (typeof y === 'number' && Number.isFinite(y) && Number.isFinite(x)) out.push({ x, y, tip: pointTip(c, i) });
  });
  return out;
}

/** A model's display name for a legend: its catalog name when known. */
export type NameOf = (modelId: string | null) => string | null;

function latentLabel(r: EvaluationResult, many: boolean, nameOf: NameOf): string {
  return many ? (nameOf(r.model) ?? r.name) : `Latent (${nameOf(r.model) ?? 'this model'})`;
}

export function seriesFor(results: EvaluationResult[], metric: Metric, withEffective: boolean, nameOf: NameOf = () => null): Series[] {
  const out: Series[] = [];
  const many = results.length > 1;
  results.forEach((r, i) => {
    const c = r.curves.latent;
    if (!c) return;
    out.push({ label: latentLabel(r, many, nameOf), key: i === 0 ? 'latent' : `model-${i}`, points: points(c, metric) });
    if (withEffective && metric !== 'ratio' && c.effectiveBpp)
      out.push({
        label: `${latentLabel(r, many, nameOf)}, effective bpp (decoder included)`,
        key: i === 0 ? 'latent' : `model-${i}`,
        dashed: true,
        points: points(c, metric, true),
      });
    // A fine-tuned model's evaluation also measured the model it started from on the same images.
    const b = r.curves.base;
    if (b && !many)
      out.push({
        label: `Start model (${nameOf(r.start?.id ?? null) ?? r.start?.name ?? 'base'}, before fine-tuning)`,
        key: 'base',
        dashed: true,
        points: points(b, metric),
      });
  });
  const first = results[0];
  if (first) {
    for (const codec of CLASSICAL_CODEC_NAMES) {
      const c = first.curves[codec];
      if (c) out.push({ label: c.label || codec.toUpperCase(), key: codec, points: points(c, metric) });
    }
  }
  return out.filter((s) => s.points.length > 0);
}
