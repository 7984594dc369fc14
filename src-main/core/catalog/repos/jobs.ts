// Jobs: long work (import, train, batch, eval) with state, progress and a per-item record.
// An item is recorded in the same transaction as the work it stands for (see recordItem), so
// after a crash the item list says exactly what is finished and a resumed job skips it.
import { StudioError } from '../../contract/errors.js';
import type { Db } from '../db.js';
import { fromJson, nowIso, toJson } from '../json.js';
import { isRowOwnerAlive, selfOwner } from '../../system/process-alive.js';
import type { ItemOutcome, JobItem, JobRecord, JobState } from '../types.js';

interface JobRow {
  id: number;
  kind: string;
  state: JobState;
  input: string;
  result: string | null;
  error: string | null;
  done: number;
  total: number | null;
  pid: number | null;
  pid_start: string | null;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  finished_at: string | null;
}

interface ItemRow {
  key: string;
  outcome: ItemOutcome;
  message: string | null;
  data: string | null;
  at: string;
}

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    input: fromJson<unknown>(r.input, null),
    result: fromJson<unknown>(r.result, null),
    error: r.error,
    done: r.done,
    total: r.total,
    pid: r.pid,
    pidStart: r.pid_start,
    createdAt: r.created_at,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function toItem(r: ItemRow): JobItem {
  return { key: r.key, outcome: r.outcome, message: r.message, data: fromJson<unknown>(r.data, null), at: r.at };
}

/** States a job can be resumed from. */
export const RESUMABLE_STATES: readonly JobState[] = ['queued', 'paused', 'interrupted', 'failed', 'cancelled'];
const LIVE_STATES: readonly JobState[] = ['running', 'paused'];

/** The one-line refusal when another live studio process holds a job. */
export function heldElsewhere(job: Pick<JobRecord, 'id' | 'state' | 'pid'>): string {
  return `job ${job.id} is ${job.state} in another studio (process ${job.pid ?? '?'}); wait for it, or pause or cancel it there`;
}

/** Whether a job is running or paused in another live process (not this one). */
export function isHeldElsewhere(job: Pick<JobRecord, 'state' | 'pid' | 'pidStart'>): boolean {
  if (!LIVE_STATES.includes(job.state) || !isRowOwnerAlive(job)) return false;
  const self = selfOwner();
  return !(job.pid === self.pid && (job.pidStart === null || job.pidStart === self.start));
}

export class JobsRepo {
  constructor(private readonly db: Db) {}

  create(rec: { kind: string; input: unknown; total?: number | null }): JobRecord {
    const now = nowIso();
    const info = this.db
      .prepare('INSERT INTO jobs (kind, state, input, total, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(rec.kind, 'queued', toJson(rec.input), rec.total ?? null, now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toRecord(row);
  }

  /** Like get, with a clear error when the job does not exist. */
  require(id: number): JobRecord {
    const job = this.get(id);
    if (!job) throw new StudioError('not-found', `job ${id} is not in the catalog`);
    return job;
  }

  /** Newest first. */
  list(options: { kind?: string; state?: JobState; limit?: number } = {}): JobRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (options.kind !== undefined) {
      where.push('kind = ?');
      args.push(options.kind);
    }
    if (options.state !== undefined) {
      where.push('state = ?');
      args.push(options.state);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, options.limit ?? 100) as JobRow[]).map(toRecord);
  }

  /**
   * Marks the job running in this process. Refuses a job that is already finished or that a
   * live process is running, and one whose work (`sameWork`) another live studio runs as another
   * job: two processes that started the same command at once both pass their first check, and
   * this transaction is where one of them loses (a job that never started is then marked failed
   * with the reason). The checks and the update are one write transaction.
   */
  claim(id: number, options: { sameWork?: (other: JobRecord) => boolean } = {}): JobRecord {
    const claim = this.db.transaction((): JobRecord | StudioError => {
      const job = this.require(id);
      if (LIVE_STATES.includes(job.state) && isRowOwnerAlive(job)) {
        throw new StudioError('conflict', isHeldElsewhere(job) ? heldElsewhere(job) : `job ${id} is already ${job.state} in this studio`);
      }
      if (job.state === 'done') throw new StudioError('conflict', `job ${id} is already done`);
      const sameWork = options.sameWork;
      const rival = sameWork
        ? (
            this.db
              .prepare("SELECT * FROM jobs WHERE kind = ? AND id != ? AND state IN ('running', 'paused')")
              .all(job.kind, id) as JobRow[]
          )
            .map(toRecord)
            .find((j) => isHeldElsewhere(j) && sameWork(j))
        : undefined;
      if (rival) {
        const why = heldElsewhere(rival);
        if (job.startedAt === null) this.finish(id, 'failed', { error: why });
        return new StudioError('conflict', why); // returned, so the mark above commits
      }
      const now = nowIso();
      this.db
        .prepare(
          "UPDATE jobs SET state = 'running', pid = ?, pid_start = ?, error = NULL, started_at = coalesce(started_at, ?), updated_at = ?, finished_at = NULL WHERE id = ?",
        )
        .run(process.pid, selfOwner().start, now, now, id);
      return this.require(id);
    });
    const result = claim.immediate();
    if (result instanceof StudioError) throw result;
    return result;
  }

  setState(id: number, state: JobState): void {
    this.db.prepare('UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?').run(state, nowIso(), id);
  }

  /** Progress of a job whose units are not items (a training job's finished epochs). */
  setDone(id: number, done: number): void {
    this.db.prepare('UPDATE jobs SET done = ?, updated_at = ? WHERE id = ?').run(done, nowIso(), id);
  }

  setTotal(id: number, total: number): void {
    this.db.prepare('UPDATE jobs SET total = ?, updated_at = ? WHERE id = ?').run(total, nowIso(), id);
  }

  /**
   * Records one finished item. Call it inside the same catalog.transaction as the item's own
   * writes so the two commit (or vanish in a crash) together.
   */
  recordItem(id: number, item: { key: string; outcome: ItemOutcome; message?: string; data?: unknown }): void {
    this.db.transaction(() => {
      const now = nowIso();
      this.db
        .prepare('INSERT OR REPLACE INTO job_items (job_id, key, outcome, message, data, at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, item.key, item.outcome, item.message ?? null, item.data === undefined ? null : toJson(item.data), now);
      this.db
        .prepare('UPDATE jobs SET done = (SELECT count(*) FROM job_items WHERE job_id = ?), updated_at = ? WHERE id = ?')
        .run(id, now, id);
    })();
  }

  items(id: number, outcome?: ItemOutcome): JobItem[] {
    const rows = outcome
      ? this.db
          .prepare('SELECT key, outcome, message, data, at FROM job_items WHERE job_id = ? AND outcome = ? ORDER BY id')
          .all(id, outcome)
      : this.db.prepare('SELECT key, outcome, message, data, at FROM job_items WHERE job_id = ? ORDER BY id').all(id);
    return (rows as ItemRow[]).map(toItem);
  }

  /** Keys of the items already finished (whatever their outcome). */
  finishedKeys(id: number): Set<string> {
    const rows = this.db.prepare('SELECT key FROM job_items WHERE job_id = ?').all(id) as { key: string }[];
    return new Set(rows.map((r) => r.key));
  }

  countItems(id: number): Record<ItemOutcome, number> {
    const rows = this.db.prepare('SELECT outcome, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY outcome').all(id) as {
      outcome: ItemOutcome;
      n: number;
    }[];
    const counts: Record<ItemOutcome, number> = { done: 0, skipped: 0, failed: 0 };
    for (const r of rows) counts[r.outcome] = r.n;
    return counts;
  }

  finish(id: number, state: 'done' | 'failed' | 'cancelled' | 'interrupted', outcome: { result?: unknown; error?: string } = {}): void {
    const now = nowIso();
    this.db
      .prepare('UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ?, updated_at = ? WHERE id = ?')
      .run(state, outcome.result === undefined ? null : toJson(outcome.result), outcome.error ?? null, now, now, id);
  }

  /** Jobs left running or paused by a process that no longer exists become 'interrupted'. */
  recoverAbandoned(): number {
    const rows = this.db.prepare("SELECT id, pid, pid_start AS pidStart FROM jobs WHERE state IN ('running', 'paused')").all() as {
      id: number;
      pid: number | null;
      pidStart: string | null;
    }[];
    // A zombie or a pid now used by another process is no owner (see process-alive.ts).
    const dead = rows.filter((r) => !isRowOwnerAlive(r));
    const mark = this.db.prepare(
      "UPDATE jobs SET state = 'interrupted', error = 'the process running it stopped', updated_at = ? WHERE id = ? AND state IN ('running', 'paused')",
    );
    for (const r of dead) mark.run(nowIso(), r.id);
    return dead.length;
  }
}
