// Evaluations in the catalog: one evaluations row per codec of a sweep (what the catalog's table
// holds), the first row (the latent codec's, when there is a model) being the evaluation's id. It
// keeps the list of images and the BD-rates; every row keeps its codec's mean curve and its
// per-image samples, aligned with the first row's image list.
import type { Catalog, EvaluationRecord } from '../catalog/index.js';
import type {
  CodecCurve,
  EvalCodecName,
  EvalFailure,
  EvaluationResult,
  EvaluationSummary,
  ImageEvaluation,
  RdSample,
  Verdict,
} from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import { bdNumber, bdPsnrNumber, bdRates, bdRateVsStart, buildCurves } from './curves.js';
import { verdictOfEvaluation } from './verdict.js';

interface StoredImage {
  path: string;
  imageId?: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  originalBytes: number;
}

interface PrimaryPoints {
  version: 1;
  name: string;
  description: string;
  jobId?: number;
  dataset: string | null;
  split: EvaluationResult['split'];
  images: StoredImage[];
  failed: EvalFailure[];
  decoderBytes?: number;
  seconds: number;
  bdRate: EvaluationResult['bdRate'];
  /** The BD-rates in words, kept so the catalog can show a model's standing without the metrics code. */
  verdict?: Verdict;
  start?: EvaluationResult['start'];
  curve: CodecCurve;
  samples: RdSample[][];
}

interface SiblingPoints {
  version: 1;
  primary: number;
  curve: CodecCurve;
  samples: RdSample[][];
}

export interface EvaluationMeta {
  modelId: string | null;
  datasetId: number | null;
  dataset: string | null;
  split: EvaluationResult['split'];
  jobId?: number;
  name: string;
  description: string;
  decoderBytes?: number;
  /** The model a fine-tuned model started from (measured as codec 'base'). */
  start?: { id: string; name: string };
  seconds: number;
}

/** Builds the curves and BD-rates from per-image results and stores them; returns the whole evaluation. */
export function saveEvaluation(
  catalog: Catalog,
  meta: EvaluationMeta,
  perImage: ImageEvaluation[],
  failed: EvalFailure[],
): EvaluationResult {
  if (perImage.length === 0) {
    const why = failed[0] ? ` (first failure: ${failed[0].error})` : '';
    throw new StudioError('bad-request', `evaluation ${meta.name}: no image could be measured${why}`);
  }
  const curves = buildCurves(perImage, meta.decoderBytes);
  const bdRate = bdRates(curves);
  const vsStart = bdRateVsStart(curves);
  const start = meta.start && vsStart ? { ...meta.start, bdRate: vsStart } : undefined;
  const codecs = Object.keys(curves) as EvalCodecName[];
  const images: StoredImage[] = perImage.map(({ samples: _s, ...img }) => img);
  const samplesOf = (codec: EvalCodecName) => perImage.map((img) => img.samples[codec] ?? []);
  const id = catalog.transaction(() => {
    const [first, ...rest] = codecs;
    const primary: PrimaryPoints = {
      version: 1,
      name: meta.name,
      description: meta.description,
      ...(meta.jobId !== undefined ? { jobId: meta.jobId } : {}),
      dataset: meta.dataset,
      split: meta.split,
      images,
      failed,
      ...(meta.decoderBytes !== undefined ? { decoderBytes: meta.decoderBytes } : {}),
      seconds: meta.seconds,
      bdRate,
      ...verdictField(meta.modelId, bdRate, curves.latent),
      ...(start ? { start } : {}),
      curve: curves[first!]!,
      samples: samplesOf(first!),
    };
    const pid = catalog.evaluations.add({ modelId: meta.modelId, datasetId: meta.datasetId, codec: first!, points: primary });
    for (const codec of rest) {
      const sib: SiblingPoints = { version: 1, primary: pid, curve: curves[codec]!, samples: samplesOf(codec) };
      catalog.evaluations.add({ modelId: meta.modelId, datasetId: meta.datasetId, codec, points: sib });
    }
    return pid;
  });
  return loadEvaluation(catalog, id);
}

/**
 * Records BD-rates measured against anchors from another evaluation of the same images (a code-size
 * sweep measures JPEG/WebP/AVIF once and compares every model with them), so each model's
 * evaluation carries its own BD-rates like one that measured the classical codecs itself.
 */
export function setBdRate(catalog: Catalog, id: number, bdRate: EvaluationResult['bdRate']): void {
  const rec = primaryRecord(catalog, id);
  const latent = rec.codec === 'latent' ? (rec.points as unknown as PrimaryPoints).curve : undefined;
  catalog.evaluations.updatePoints(rec.id, { ...rec.points, bdRate, ...verdictField(rec.modelId, bdRate, latent) });
}

/** A model's evaluation against at least one classical codec carries its verdict. */
function verdictField(modelId: string | null, bdRate: EvaluationResult['bdRate'], latent: CodecCurve | undefined): { verdict?: Verdict } {
  return modelId !== null && Object.keys(bdRate).length > 0
    ? { verdict: verdictOfEvaluation({ bdRate, curves: latent ? { latent } : {} }) }
    : {};
}

function isPrimary(p: Record<string, unknown>): p is Record<string, unknown> & PrimaryPoints {
  return p.version === 1 && Array.isArray(p.images) && typeof p.curve === 'object';
}

function siblingsOf(catalog: Catalog, rec: EvaluationRecord): EvaluationRecord[] {
  const pool =
    rec.modelId !== null
      ? catalog.evaluations.forModel(rec.modelId)
      : rec.datasetId !== null
        ? catalog.evaluations.forDataset(rec.datasetId)
        : catalog.evaluations.list(100_000);
  return pool.filter((r) => (r.points as Partial<SiblingPoints>).primary === rec.id).sort((a, b) => a.id - b.id);
}

function primaryRecord(catalog: Catalog, id: number): EvaluationRecord {
  const rec = catalog.evaluations.get(id);
  if (!rec) throw new StudioError('not-found', `evaluation ${id} is not in the catalog`);
  const p = rec.points as Partial<SiblingPoints>;
  if (typeof p.primary === 'number') return primaryRecord(catalog, p.primary);
  if (!isPrimary(rec.points)) throw new StudioError('bad-request', `evaluation ${id} was not written by this version of the studio`);
  return rec;
}

export function loadEvaluation(catalog: Catalog, id: number): EvaluationResult {
  const rec = primaryRecord(catalog, id);
  const p = rec.points as unknown as PrimaryPoints;
  const rows: Array<{ codec: EvalCodecName; curve: CodecCurve; samples: RdSample[][] }> = [
    { codec: rec.codec as EvalCodecName, curve: p.curve, samples: p.samples },
    ...siblingsOf(catalog, rec).map((r) => {
      const s = r.points as unknown as SiblingPoints;
      return { codec: r.codec as EvalCodecName, curve: s.curve, samples: s.samples };
    }),
  ];
  const curves: EvaluationResult['curves'] = {};
  for (const r of rows) curves[r.codec] = r.curve;
  const perImage: ImageEvaluation[] = p.images.map((img, k) => {
    const samples: ImageEvaluation['samples'] = {};
    for (const r of rows) samples[r.codec] = r.samples[k] ?? [];
    return { ...img, samples };
  });
  return {
    id: rec.id,
    ...(p.jobId !== undefined ? { jobId: p.jobId } : {}),
    name: p.name,
    description: p.description,
    model: rec.modelId,
    dataset: p.dataset,
    split: p.split,
    createdAt: rec.createdAt,
    images: p.images.length,
    failed: p.failed,
    ...(p.decoderBytes !== undefined ? { decoderBytes: p.decoderBytes } : {}),
    curves,
    bdRate: p.bdRate,
    ...(p.start ? { start: p.start } : {}),
    perImage,
    seconds: p.seconds,
  };
}

export function listEvaluations(catalog: Catalog, options: { model?: string; limit?: number } = {}): EvaluationSummary[] {
  const rows = options.model !== undefined ? catalog.evaluations.forModel(options.model).reverse() : catalog.evaluations.list(100_000);
  const out: EvaluationSummary[] = [];
  for (const rec of rows) {
    if (!isPrimary(rec.points)) continue;
    const p = rec.points as unknown as PrimaryPoints;
    const codecs = [rec.codec, ...siblingsOf(catalog, rec).map((r) => r.codec)] as EvalCodecName[];
    const bdRatePsnr: EvaluationSummary['bdRatePsnr'] = {};
    const bdPsnr: EvaluationSummary['bdPsnr'] = {};
    for (const [c, pair] of Object.entries(p.bdRate)) {
      bdRatePsnr[c as keyof typeof bdRatePsnr] = bdNumber(pair?.psnr);
      bdPsnr[c as keyof typeof bdPsnr] = bdPsnrNumber(pair?.psnr);
    }
    out.push({
      id: rec.id,
      name: p.name,
      model: rec.modelId,
      dataset: p.dataset,
      codecs,
      images: p.images.length,
      createdAt: rec.createdAt,
      bdRatePsnr,
      bdPsnr,
    });
    if (out.length >= (options.limit ?? 100)) break;
  }
  return out;
}
