// Datasets: named sets of images that models are trained on.
import { StudioError } from '../../contract/errors.js';
import { compareNames } from '../../system/compare-names.js';
import type { Db } from '../db.js';
import { nowIso } from '../json.js';
import type { DatasetRecord, Split } from '../types.js';

interface DatasetRow {
  id: number;
  name: string;
  description: string;
  created_at: string;
}

export interface DatasetStats {
  images: number;
  bytes: number;
  splits: Record<Split, number>;
}

function toRecord(r: DatasetRow): DatasetRecord {
  return { id: r.id, name: r.name, description: r.description, createdAt: r.created_at };
}

export class DatasetsRepo {
  constructor(private readonly db: Db) {}

  create(name: string, description = ''): DatasetRecord {
    if (this.byName(name)) throw new StudioError('conflict', `dataset '${name}' already exists`);
    const info = this.db.prepare('INSERT INTO datasets (name, description, created_at) VALUES (?, ?, ?)').run(name, description, nowIso());
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** The dataset with this name, created when missing. */
  ensure(name: string, description = ''): DatasetRecord {
    return this.db.transaction(() => this.byName(name) ?? this.create(name, description)).immediate();
  }

  get(id: number): DatasetRecord | undefined {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    return row && toRecord(row);
  }

  byName(name: string): DatasetRecord | undefined {
    const row = this.db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
    return row && toRecord(row);
  }

  list(): DatasetRecord[] {
    // The display order (locale-aware, any case), not SQLite's NOCASE, which folds ASCII only.
    return (this.db.prepare('SELECT * FROM datasets').all() as DatasetRow[]).map(toRecord).sort((a, b) => compareNames(a.name, b.name));
  }

  stats(id: number): DatasetStats {
    const rows = this.db
      .prepare('SELECT split, count(*) AS n, coalesce(sum(bytes), 0) AS b FROM images WHERE dataset_id = ? GROUP BY split')
      .all(id) as { split: Split; n: number; b: number }[];
    const splits: Record<Split, number> = { train: 0, val: 0, test: 0 };
    let images = 0;
    let bytes = 0;
    for (const r of rows) {
      splits[r.split] = r.n;
      images += r.n;
      bytes += r.b;
    }
    return { images, bytes, splits };
  }

  /** Removes the dataset and (by cascade) its image rows; see ../delete.ts for the full story. */
  remove(id: number): void {
    this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
  }
}
