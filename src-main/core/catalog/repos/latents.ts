// Latent files the codec wrote: which image and model, at what quality, size and PSNR.
import type { Db } from '../db.js';
import { nowIso } from '../json.js';
import type { LatentRecord, NewLatent } from '../types.js';

interface LatentRow {
  id: number;
  source_path: string;
  image_id: number | null;
  model_id: string;
  quality: number;
  bytes: number;
  bpp: number;
  psnr: number | null;
  output_path: string;
  created_at: string;
}

function toRecord(r: LatentRow): LatentRecord {
  return {
    id: r.id,
    sourcePath: r.source_path,
    imageId: r.image_id,
    modelId: r.model_id,
    quality: r.quality,
    bytes: r.bytes,
    bpp: r.bpp,
    psnr: r.psnr,
    outputPath: r.output_path,
    createdAt: r.created_at,
  };
}

export class LatentsRepo {
  constructor(private readonly db: Db) {}

  /** Records a written .latent file. Without an imageId, links to a catalog image with the same source path if any. */
  add(rec: NewLatent): number {
    const imageId =
      rec.imageId ??
      (this.db.prepare('SELECT id FROM images WHERE path = ? ORDER BY id DESC LIMIT 1').get(rec.sourcePath) as { id: number } | undefined)
        ?.id ??
      null;
    const info = this.db
      .prepare(
        `INSERT INTO latent_files (source_path, image_id, model_id, quality, bytes, bpp, psnr, output_path, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(rec.sourcePath, imageId, rec.modelId, rec.quality, rec.bytes, rec.bpp, rec.psnr, rec.outputPath, nowIso());
    return Number(info.lastInsertRowid);
  }

  get(id: number): LatentRecord | undefined {
    const row = this.db.prepare('SELECT * FROM latent_files WHERE id = ?').get(id) as LatentRow | undefined;
    return row && toRecord(row);
  }

  forModel(modelId: string, limit = 1000): LatentRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM latent_files WHERE model_id = ? ORDER BY id DESC LIMIT ?')
      .all(modelId, limit) as LatentRow[];
    return rows.map(toRecord);
  }

  countForModel(modelId: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM latent_files WHERE model_id = ?').get(modelId) as { n: number }).n;
  }

  list(limit = 1000): LatentRecord[] {
    return (this.db.prepare('SELECT * FROM latent_files ORDER BY id DESC LIMIT ?').all(limit) as LatentRow[]).map(toRecord);
  }

  countForDataset(datasetId: number): number {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM latent_files WHERE image_id IN (SELECT id FROM images WHERE dataset_id = ?)')
        .get(datasetId) as { n: number }
    ).n;
  }
}
