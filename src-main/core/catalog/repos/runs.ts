// Training runs and their per-epoch history (loss curves survive a restart of the app).
import { StudioError } from '../../contract/errors.js';
import type { Db } from '../db.js';
import { fromJson, nowIso, toJson } from '../json.js';
import { isRowOwnerAlive, selfOwner } from '../../system/process-alive.js';
import type { EpochRecord, RunRecord, RunState } from '../types.js';

interface RunRow {
  id: number;
  dataset_id: number | null;
  model_id: string | null;
  params: string;
  state: RunState;
  summary: string | null;
  pid: number | null;
  started_at: string;
  ended_at: string | null;
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    modelId: r.model_id,
    params: fromJson<Record<string, unknown>>(r.params, {}),
    state: r.state,
    summary: fromJson<Record<string, unknown> | null>(r.summary, null),
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

export class RunsRepo {
  constructor(private readonly db: Db) {}

  begin(rec: { datasetId: number | null; modelId?: string | null; params: object }): number {
    const info = this.db
      .prepare('INSERT INTO training_runs (dataset_id, model_id, params, state, pid, pid_start, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(rec.datasetId, rec.modelId ?? null, toJson(rec.params), 'running', process.pid, selfOwner().start, nowIso());
    return Number(info.lastInsertRowid);
  }

  /** Records (or replaces) one epoch's metrics, e.g. { loss, valLoss, seconds }. */
  addEpoch(runId: number, epoch: number, metrics: object): void {
    this.db
      .prepare('INSERT OR REPLACE INTO run_epochs (run_id, epoch, metrics, at) VALUES (?, ?, ?, ?)')
      .run(runId, epoch, toJson(metrics), nowIso());
  }

  /** Ends a run; pass the model id once the model is registered (models.add) to link the two. */
  end(runId: number, state: Exclude<RunState, 'running'>, summary: object, modelId?: string): void {
    const info = this.db
      .prepare('UPDATE training_runs SET state = ?, summary = ?, ended_at = ?, model_id = coalesce(?, model_id) WHERE id = ?')
      .run(state, toJson(summary), nowIso(), modelId ?? null, runId);
    if (info.changes === 0) throw new StudioError('not-found', `training run ${runId} is not in the catalog`);
  }

  setModel(runId: number, modelId: string): void {
    this.db.prepare('UPDATE training_runs SET model_id = ? WHERE id = ?').run(modelId, runId);
  }

  get(runId: number): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM training_runs WHERE id = ?').get(runId) as RunRow | undefined;
    return row && toRecord(row);
  }

  epochs(runId: number): EpochRecord[] {
    const rows = this.db.prepare('SELECT epoch, metrics, at FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as {
      epoch: number;
      metrics: string;
      at: string;
    }[];
    return rows.map((r) => ({ epoch: r.epoch, metrics: fromJson<Record<string, unknown>>(r.metrics, {}), at: r.at }));
  }

  forModel(modelId: string): RunRecord[] {
    return (this.db.prepare('SELECT * FROM training_runs WHERE model_id = ? ORDER BY id').all(modelId) as RunRow[]).map(toRecord);
  }

  list(options: { datasetId?: number; limit?: number } = {}): RunRecord[] {
    const limit = options.limit ?? 1000;
    const rows =
      options.datasetId === undefined
        ? this.db.prepare('SELECT * FROM training_runs ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM training_runs WHERE dataset_id = ? ORDER BY id DESC LIMIT ?').all(options.datasetId, limit);
    return (rows as RunRow[]).map(toRecord);
  }

  /** Runs left 'running' by a process that no longer exists become 'interrupted'. */
  recoverAbandoned(): number {
    const rows = this.db.prepare("SELECT id, pid, pid_start AS pidStart FROM training_runs WHERE state = 'running'").all() as {
      id: number;
      pid: number | null;
      pidStart: string | null;
    }[];
    const dead = rows.filter((r) => !isRowOwnerAlive(r));
    const mark = this.db.prepare("UPDATE training_runs SET state = 'interrupted', ended_at = ? WHERE id = ? AND state = 'running'");
    for (const r of dead) mark.run(nowIso(), r.id);
    return dead.length;
  }
}
