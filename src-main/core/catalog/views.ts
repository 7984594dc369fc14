// Catalog records turned into the contract's response shapes.
import path from 'node:path';
import type { CatalogImage, CatalogLatentFile, DatasetSummary, JobInfo, ModelDetail, ModelSummary } from '../contract/catalog.js';
import type { EvaluationResult, ModelVerdict, Verdict } from '../contract/eval.js';
import type { Catalog } from './catalog.js';
import { RESUMABLE_STATES } from './repos/jobs.js';
import type { DatasetRecord, ImageRecord, JobRecord, LatentRecord, ModelRecord } from './types.js';

const JOB_ERRORS_SHOWN = 50;

export function datasetSummary(catalog: Catalog, d: DatasetRecord): DatasetSummary {
  const stats = catalog.datasets.stats(d.id);
  return { ...d, ...stats, models: catalog.models.list({ datasetId: d.id }).length };
}

export function imageView(img: ImageRecord, thumbnail?: string): CatalogImage {
  return { ...img, name: path.basename(img.path), ...(thumbnail !== undefined ? { thumbnail } : {}) };
}

export function modelSummary(catalog: Catalog, m: ModelRecord): ModelSummary {
  return {
    id: m.id,
    name: m.name,
    arch: m.arch,
    datasetId: m.datasetId,
    dataset: m.datasetId === null ? null : (catalog.datasets.get(m.datasetId)?.name ?? null),
    weightsHash: m.weightsHash,
    createdAt: m.createdAt,
    bytes: m.files.reduce((s, f) => s + f.bytes, 0),
    latentFiles: catalog.latents.countForModel(m.id),
    card: m.card,
    builtin: m.builtin,
    ...verdictOfModel(catalog, m.id),
  };
}

/** The model's latest verdict, as the evaluation that measured it stored it. */
function verdictOfModel(catalog: Catalog, id: string): { verdict?: ModelVerdict } {
  const row = catalog.evaluations.latestVerdict(id);
  if (!row) return {};
  const v = row.verdict as unknown as Verdict;
  return {
    verdict: {
      ...v,
      evaluationId: row.id,
      dataset: row.dataset,
      split: row.split as EvaluationResult['split'],
      images: row.images,
      createdAt: row.createdAt,
    },
  };
}

export function modelDetail(catalog: Catalog, m: ModelRecord): ModelDetail {
  return {
    ...modelSummary(catalog, m),
    dir: m.dir,
    files: m.files,
    runs: catalog.runs.forModel(m.id).map((r) => ({
      id: r.id,
      state: r.state,
      params: r.params,
      summary: r.summary,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      epochs: catalog.runs.epochs(r.id).map((e) => ({ epoch: e.epoch, metrics: e.metrics })),
    })),
    evaluations: catalog.evaluations.forModel(m.id).map((e) => ({
      id: e.id,
      codec: e.codec,
      datasetId: e.datasetId,
      points: e.points,
      createdAt: e.createdAt,
    })),
  };
}

export function jobInfo(catalog: Catalog, j: JobRecord): JobInfo {
  const failed = catalog.jobs.items(j.id, 'failed');
  return {
    id: j.id,
    kind: j.kind,
    state: j.state,
    done: j.done,
    total: j.total,
    failedItems: failed.length,
    errors: failed.slice(0, JOB_ERRORS_SHOWN).map((i) => ({ item: i.key, message: i.message ?? 'failed' })),
    error: j.error,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    updatedAt: j.updatedAt,
    finishedAt: j.finishedAt,
    resumable: RESUMABLE_STATES.includes(j.state),
    input: j.input,
  };
}

export function latentView(catalog: Catalog, l: LatentRecord): CatalogLatentFile {
  return { ...l, modelInCatalog: catalog.models.get(l.modelId) !== undefined };
}
