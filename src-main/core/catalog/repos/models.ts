// Trained models: the record of a folder the engine saved under <home>/models/<id>/.
import { existsSync } from 'node:fs';
import { StudioError } from '../../contract/errors.js';
import type { Db } from '../db.js';
import { fromJson, nowIso, toJson } from '../json.js';
import { listModelFiles } from '../model-files.js';
import type { ModelArch, ModelFile, ModelRecord, NewModel } from '../types.js';

interface ModelRow {
  id: string;
  name: string;
  dataset_id: number | null;
  arch: ModelArch;
  dir: string;
  weights_hash: string;
  card: string;
  files: string;
  created_at: string;
  builtin: number;
}

function toRecord(r: ModelRow): ModelRecord {
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    arch: r.arch,
    dir: r.dir,
    weightsHash: r.weights_hash,
    card: fromJson<Record<string, unknown>>(r.card, {}),
    files: fromJson<ModelFile[]>(r.files, []),
    createdAt: r.created_at,
    builtin: r.builtin === 1,
  };
}

export class ModelsRepo {
  constructor(private readonly db: Db) {}

  /** Registers a saved model folder; the file list is read from the folder now. */
  add(rec: NewModel): ModelRecord {
    if (this.get(rec.id)) throw new StudioError('conflict', `model ${rec.id} is already in the catalog`);
    if (rec.datasetId !== null && !this.db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(rec.datasetId)) {
      throw new StudioError('not-found', `model ${rec.id}: dataset ${rec.datasetId} is not in the catalog`);
    }
    const files = existsSync(rec.dir) ? listModelFiles(rec.dir) : [];
    this.db
      .prepare(
        `INSERT INTO models (id, name, dataset_id, arch, dir, weights_hash, card, files, created_at, builtin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        rec.id,
        rec.name,
        rec.datasetId,
        rec.arch,
        rec.dir,
        rec.weightsHash,
        toJson(rec.card),
        toJson(files),
        rec.createdAt ?? nowIso(),
        rec.builtin ? 1 : 0,
      );
    return this.get(rec.id)!;
  }

  /**
   * A model by id, or by `tag:<hex>`: format-v2 files name their model only by a tag of its hash
   * (the first bytes of weights_hash), to keep headers tiny.
   */
  get(id: string): ModelRecord | undefined {
    const tag = /^tag:([0-9a-f]{8,64})$/.exec(id);
    const row = tag
      ? (this.db
          .prepare('SELECT * FROM models WHERE substr(weights_hash, 1, ?) = ? ORDER BY created_at LIMIT 1')
          .get(tag[1]!.length, tag[1]) as ModelRow | undefined)
      : (this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined);
    return row && toRecord(row);
  }

  /** Newest first; optionally only the models trained on one dataset. */
  list(options: { datasetId?: number } = {}): ModelRecord[] {
    const rows =
      options.datasetId === undefined
        ? this.db.prepare('SELECT * FROM models ORDER BY created_at DESC, id').all()
        : this.db.prepare('SELECT * FROM models WHERE dataset_id = ? ORDER BY created_at DESC, id').all(options.datasetId);
    return (rows as ModelRow[]).map(toRecord);
  }

  /** The built-in base models (shipped, read-only). */
  builtins(): ModelRecord[] {
    return (this.db.prepare('SELECT * FROM models WHERE builtin = 1 ORDER BY id').all() as ModelRow[]).map(toRecord);
  }

  /** Makes a built-in model's record match its shipped folder (the install moved, or shipped other weights). */
  refreshBuiltin(id: string, dir: string, weightsHash: string, card: Record<string, unknown>): void {
    const files = existsSync(dir) ? listModelFiles(dir) : [];
    this.db
      .prepare('UPDATE models SET dir = ?, weights_hash = ?, card = ?, files = ? WHERE id = ? AND builtin = 1')
      .run(dir, weightsHash, toJson(card), toJson(files), id);
  }

  remove(id: string): void {
    if (this.get(id)?.builtin) throw new StudioError('conflict', `model ${id} is a built-in base model and cannot be deleted`);
    this.db.prepare('DELETE FROM models WHERE id = ?').run(id);
  }
}
