// Images of a dataset: one row per distinct content (sha256) per dataset.
import type { Db } from '../db.js';
import { nowIso } from '../json.js';
import type { ImageRecord, NewImage, Split } from '../types.js';

interface ImageRow {
  id: number;
  dataset_id: number;
  path: string;
  hash: string;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  format: string;
  bytes: number;
  split: Split;
  added_at: string;
}

function toRecord(r: ImageRow): ImageRecord {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    path: r.path,
    hash: r.hash,
    width: r.width,
    height: r.height,
    channels: r.channels,
    format: r.format,
    bytes: r.bytes,
    split: r.split,
    addedAt: r.added_at,
  };
}

export interface ImagePage {
  total: number;
  images: ImageRecord[];
}

export class ImagesRepo {
  constructor(private readonly db: Db) {}

  add(img: NewImage): ImageRecord {
    const info = this.db
      .prepare(
        `INSERT INTO images (dataset_id, path, hash, width, height, channels, format, bytes, split, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(img.datasetId, img.path, img.hash, img.width, img.height, img.channels, img.format, img.bytes, img.split, nowIso());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    return row && toRecord(row);
  }

  byHash(datasetId: number, hash: string): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE dataset_id = ? AND hash = ?').get(datasetId, hash) as ImageRow | undefined;
    return row && toRecord(row);
  }

  /** The most recently imported image with this original path, in any dataset. */
  byPath(path: string): ImageRecord | undefined {
    const row = this.db.prepare('SELECT * FROM images WHERE path = ? ORDER BY id DESC LIMIT 1').get(path) as ImageRow | undefined;
    return row && toRecord(row);
  }

  /** All images of a dataset (optionally one split), in import order. */
  forDataset(datasetId: number, split?: Split): ImageRecord[] {
    const rows = split
      ? this.db.prepare('SELECT * FROM images WHERE dataset_id = ? AND split = ? ORDER BY id').all(datasetId, split)
      : this.db.prepare('SELECT * FROM images WHERE dataset_id = ? ORDER BY id').all(datasetId);
    return (rows as ImageRow[]).map(toRecord);
  }

  page(datasetId: number, options: { split?: Split; offset: number; limit: number }): ImagePage {
    const where = options.split ? 'dataset_id = ? AND split = ?' : 'dataset_id = ?';
    const args: (number | string)[] = options.split ? [datasetId, options.split] : [datasetId];
    const total = (this.db.prepare(`SELECT count(*) AS n FROM images WHERE ${where}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM images WHERE ${where} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...args, options.limit, options.offset) as ImageRow[];
    return { total, images: rows.map(toRecord) };
  }

  count(datasetId: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM images WHERE dataset_id = ?').get(datasetId) as { n: number }).n;
  }

  /** Distinct content hashes of a dataset (its thumbnails). */
  hashes(datasetId: number): string[] {
    return (this.db.prepare('SELECT DISTINCT hash FROM images WHERE dataset_id = ?').all(datasetId) as { hash: string }[]).map(
      (r) => r.hash,
    );
  }

  isHashUsed(hash: string): boolean {
    return this.db.prepare('SELECT 1 FROM images WHERE hash = ? LIMIT 1').get(hash) !== undefined;
  }
}
