// Rate-distortion evaluations: one row per codec per sweep, the points kept as JSON.
import { StudioError } from '../../contract/errors.js';
import type { Db } from '../db.js';
import { fromJson, nowIso, toJson } from '../json.js';
import type { EvaluationRecord, NewEvaluation } from '../types.js';

interface EvaluationRow {
  id: number;
  model_id: string | null;
  dataset_id: number | null;
  codec: string;
  points: string;
  created_at: string;
}

export interface LatestVerdictRow {
  id: number;
  createdAt: string;
  /** As metrics/store.ts wrote it (the contract's Verdict). */
  verdict: Record<string, unknown>;
  dataset: string | null;
  split: string | null;
  images: number;
}

function toRecord(r: EvaluationRow): EvaluationRecord {
  return {
    id: r.id,
    modelId: r.model_id,
    datasetId: r.dataset_id,
    codec: r.codec,
    points: fromJson<Record<string, unknown>>(r.points, {}),
    createdAt: r.created_at,
  };
}

export class EvaluationsRepo {
  constructor(private readonly db: Db) {}

  add(rec: NewEvaluation): number {
    if (rec.modelId !== null && !this.db.prepare('SELECT 1 FROM models WHERE id = ?').get(rec.modelId)) {
      throw new StudioError('not-found', `evaluation: model ${rec.modelId} is not in the catalog`);
    }
    const info = this.db
      .prepare('INSERT INTO evaluations (model_id, dataset_id, codec, points, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(rec.modelId, rec.datasetId ?? null, rec.codec, toJson(rec.points), nowIso());
    return Number(info.lastInsertRowid);
  }

  /** Replaces a row's points (e.g. BD-rates computed later against another sweep's anchors). */
  updatePoints(id: number, points: Record<string, unknown>): void {
    const info = this.db.prepare('UPDATE evaluations SET points = ? WHERE id = ?').run(toJson(points), id);
    if (info.changes === 0) throw new StudioError('not-found', `evaluation ${id} is not in the catalog`);
  }

  get(id: number): EvaluationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(id) as EvaluationRow | undefined;
    return row && toRecord(row);
  }

  forModel(modelId: string): EvaluationRecord[] {
    return (this.db.prepare('SELECT * FROM evaluations WHERE model_id = ? ORDER BY id').all(modelId) as EvaluationRow[]).map(toRecord);
  }

  /**
   * The newest evaluation of a model that carries a verdict (metrics/store.ts writes it), read
   * without the per-image samples: model lists show it for every model.
   */
  latestVerdict(modelId: string): LatestVerdictRow | undefined {
    const row = this.db
      .prepare(
        `SELECT id, created_at, json_extract(points, '$.verdict') AS verdict, json_extract(points, '$.dataset') AS dataset,
                json_extract(points, '$.split') AS split, json_array_length(points, '$.images') AS images
           FROM evaluations WHERE model_id = ? AND json_extract(points, '$.verdict') IS NOT NULL ORDER BY id DESC LIMIT 1`,
      )
      .get(modelId) as
      { id: number; created_at: string; verdict: string; dataset: string | null; split: string | null; images: number } | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      createdAt: row.created_at,
      verdict: fromJson<Record<string, unknown>>(row.verdict, {}),
      dataset: row.dataset,
      split: row.split,
      images: row.images,
    };
  }

  forDataset(datasetId: number): EvaluationRecord[] {
    return (this.db.prepare('SELECT * FROM evaluations WHERE dataset_id = ? ORDER BY id').all(datasetId) as EvaluationRow[]).map(toRecord);
  }

  list(limit = 1000): EvaluationRecord[] {
    return (this.db.prepare('SELECT * FROM evaluations ORDER BY id DESC LIMIT ?').all(limit) as EvaluationRow[]).map(toRecord);
  }
}
