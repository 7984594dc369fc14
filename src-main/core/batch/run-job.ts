// One run of a batch job: claim it in the catalog, walk the inputs and plan the outputs, settle
// what an earlier run left (finished files are not redone, partial files are removed, a file
// written just before a crash is recognised), run the worker pool, and record every file in the
// catalog as it finishes, so the record always says exactly what is done.
import { resolveRegular } from '../input/open-input.js';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import type { Catalog } from '../catalog/index.js';
import { calibrationSource } from '../codec/handlers.js';
import type { BatchFileResult, BatchKind, BatchProgress } from '../contract/batch.js';
import type { JobState } from '../contract/catalog.js';
import { POOL_PIXEL_BUDGET } from '../contract/limits.js';
import type { CoreContext } from '../context.js';
import { emitBatchProgress, emitBatchState } from './job-events.js';
import { batchInputOf, outputKey, storedOutputKey, type BatchJobInput } from './job-input.js';
import { batchTotals, itemOptionsOf, notInCatalog, planBatch, recordBatchItem } from './job-record.js';
import { copyTimes, removePartials } from './output.js';
import { packFolderOf, type PlannedItem } from './plan.js';
import { BatchPool } from './pool.js';
import type { ItemOutcome } from './process-item.js';
import { storedResult, type StoredBatchResult } from './summary.js';

export type RunEnd = { state: Extract<JobState, 'done' | 'failed' | 'cancelled' | 'interrupted'>; error?: string };

interface Counters {
  written: number;
  skipped: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

export class BatchRun {
  private pool: BatchPool | undefined;
  private paused = false;
  private cancelled = false;
  private interrupting = false;
  private readonly started = Date.now();
  private pausedSince: number | undefined;
  private pausedMs = 0;
  private workers = 0;
  private total = 0;
  private done = 0;
  /** Input bytes of the files this run processes, and of those finished so far. */
  private runBytes = 0;
  private runBytesDone = 0;
  private runFilesDone = 0;
  private readonly counts: Counters = { written: 0, skipped: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
  /** Files in progress whose tiles are reported, by pool index: their share counts towards the ETA. */
  private readonly working = new Map<number, { file: string; bytes: number; tilesDone: number; tilesTotal: number }>();
  private kind: BatchKind = 'compress';

  constructor(
    private readonly ctx: CoreContext,
    private readonly catalog: Catalog,
    readonly jobId: number,
  ) {}

  /** Resolves once every worker has stopped at its checkpoint: only then is the job 'paused'. */
  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    this.pausedSince = Date.now();
    await this.pool?.pause();
    if (!this.paused) return; // resumed meanwhile
    this.catalog.jobs.setState(this.jobId, 'paused');
    emitBatchState(this.ctx, this.jobId, this.kind, 'paused');
    this.emitProgress('paused');
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    this.pausedMs += Date.now() - (this.pausedSince ?? Date.now());
    await this.pool?.resume();
    this.catalog.jobs.setState(this.jobId, 'running');
    emitBatchState(this.ctx, this.jobId, this.kind, 'running');
    this.emitProgress('running');
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Cancel (the user) or interrupt (the studio is closing: the job stays resumable). */
  stop(how: 'cancel' | 'interrupt'): void {
    this.cancelled = true;
    this.interrupting = how === 'interrupt';
    this.pool?.cancel();
  }

  /** Seconds spent running in this run, pauses excluded. */
  seconds(): number {
    const pausedNow = this.pausedSince !== undefined && this.paused ? Date.now() - this.pausedSince : 0;
    return (Date.now() - this.started - this.pausedMs - pausedNow) / 1000;
  }

  get workerCount(): number {
    return this.workers;
  }

  async run(): Promise<RunEnd> {
    const before = this.catalog.jobs.require(this.jobId);
    // Refused when another live studio runs the same outputs as another job (see claim).
    const key = outputKey(batchInputOf(before));
    const job = this.catalog.jobs.claim(this.jobId, { sameWork: (other) => storedOutputKey(other) === key });
    const input = batchInputOf(job);
    this.kind = input.kind;
    const prior = storedResult(before);
    let end: RunEnd;
    try {
      end = await this.execute(input, before.startedAt);
    } catch (err) {
      end = { state: 'failed', error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
    }
    const result: StoredBatchResult = {
      seconds: (prior?.seconds ?? 0) + this.seconds(),
      workers: this.workers || prior?.workers || 0,
      ...this.totals(),
    };
    this.catalog.jobs.finish(this.jobId, end.state, { result, ...(end.error ? { error: end.error } : {}) });
    return end;
  }

  /** Totals over every file the job has recorded (all runs). */
  private totals(): Omit<StoredBatchResult, 'seconds' | 'workers'> {
    const { done: _done, ...t } = batchTotals(this.catalog, this.jobId);
    return t;
  }

  private async execute(input: BatchJobInput, firstStart: string | null): Promise<RunEnd> {
    const models = this.catalog.models;
    const model = input.kind === 'compress' ? models.get(input.modelId ?? '') : undefined;
    if (input.kind === 'compress' && !model) throw notInCatalog(input.modelId);
    const plan = await planBatch(input);
    const problems = plan.problems;
    this.total = plan.items.length + problems.length;
    this.catalog.jobs.setTotal(this.jobId, this.total);

    const finished = this.catalog.jobs.finishedKeys(this.jobId);
    for (const p of problems) if (!finished.has(p.path)) this.record(p.path, { outcome: 'failed', error: p.error }, 0);
    const open = plan.items.filter((i) => !finished.has(i.input));
    // A decompressed pack is staged in a temporary folder beside its folder: those names count too.
    const packFolders = input.kind === 'decompress' ? open.map((i) => packFolderOf(i.output)) : [];
    await removePartials([...open.map((i) => i.output), ...packFolders], packFolders);
    const todo = firstStart ? await this.recoverWritten(open, firstStart) : open;
    this.done = this.catalog.jobs.finishedKeys(this.jobId).size;
    Object.assign(this.counts, this.totals());
    this.runBytes = todo.reduce((n, i) => n + i.bytes, 0);

    this.workers = Math.max(1, Math.min(input.workers ?? os.availableParallelism(), Math.max(1, todo.length)));
    this.emitProgress(this.paused ? 'paused' : 'running');
    if (todo.length === 0) return { state: 'done' };
    if (this.cancelled) return this.stopped();
    this.pool = new BatchPool({
      workers: this.workers,
      input: {
        kind: input.kind,
        items: todo.map((i) => ({ input: i.input, output: i.output })),
        budgetPixels: POOL_PIXEL_BUDGET,
        options: itemOptionsOf(input),
        ...(model ? { model: { id: model.id, dir: model.dir, calibration: calibrationSource(this.ctx, model) } } : {}),
        // Format-v2 files name their model by a tag of its hash (`tag:<12 hex>`), v1 files by id.
        ...(input.kind === 'decompress'
          ? {
              models: Object.fromEntries(
                models.list().flatMap((m) => [
                  [m.id, m.dir],
                  [`tag:${m.weightsHash.slice(0, 12)}`, m.dir],
                ]),
              ),
            }
          : {}),
      },
      onItem: (index, result) => {
        const item = todo[index]!;
        this.working.delete(index);
        this.record(item.input, result, item.bytes, model?.id);
      },
      onTiles: (index, tilesDone, tilesTotal) => {
        const item = todo[index]!;
        this.working.set(index, { file: item.input, bytes: item.bytes, tilesDone, tilesTotal });
        this.emitProgress(this.paused ? 'paused' : 'running');
      },
    });
    if (this.paused) void this.pool.pause();
    const how = await this.pool.run();
    this.pool = undefined;
    return how === 'cancelled' || this.cancelled ? this.stopped() : { state: 'done' };
  }

  private stopped(): RunEnd {
    return this.interrupting ? { state: 'interrupted', error: 'the studio closed' } : { state: 'cancelled', error: 'cancelled' };
  }

  /**
   * After a crash, an output can be in place while its record is missing (the process died
   * between the two). One made since the job first started is this job's: it is recorded, not redone.
   */
  private async recoverWritten(open: PlannedItem[], firstStart: string): Promise<PlannedItem[]> {
    const since = Date.parse(firstStart) - 1000;
    const todo: PlannedItem[] = [];
    for (const item of open) {
      const st = await stat(item.output).catch(() => undefined);
      // The input through the reading policy: a shown (\xHH) name is not a path stat can open.
      const inSt = st && st.isFile() && st.ctimeMs >= since ? (await resolveRegular(item.input).catch(() => undefined))?.stats : undefined;
      if (!st || !inSt) {
        todo.push(item);
        continue;
      }
      if (st.mtimeMs !== inSt.mtimeMs) await copyTimes(item.output, inSt); // died before setting them
      const file: BatchFileResult = { input: item.input, output: item.output, bytes: st.size, bytesIn: inSt.size };
      this.catalog.jobs.recordItem(this.jobId, {
        key: item.input,
        outcome: 'done',
        message: 'written before the interruption',
        data: file,
      });
    }
    return todo;
  }

  private record(key: string, result: ItemOutcome, bytes: number, modelId?: string): void {
    recordBatchItem(this.catalog, { id: this.jobId, kind: this.kind }, key, result, modelId);
    if (result.outcome === 'done') {
      this.counts.written++;
      this.counts.bytesIn += result.file.bytesIn;
      this.counts.bytesOut += result.file.bytes;
    } else if (result.outcome === 'skipped') this.counts.skipped++;
    else this.counts.failed++;
    this.done++;
    if (bytes > 0) {
      this.runBytesDone += bytes;
      this.runFilesDone++;
    }
    this.emitProgress(this.paused ? 'paused' : 'running', key, result.outcome === 'failed' ? result.error : undefined);
  }

  private emitProgress(state: JobState, currentFile?: string, error?: string): void {
    const seconds = Math.max(1e-3, this.seconds());
    const bytesPerSecond = this.runBytesDone / seconds;
    // The files in progress count by their tiles done, so one large photo has an ETA from its first tiles.
    const working = [...this.working.values()];
    const doneBytes = working.reduce((n, w) => n + (w.bytes * w.tilesDone) / w.tilesTotal, this.runBytesDone);
    const left = this.runBytes - doneBytes;
    const p: BatchProgress = {
      jobId: this.jobId,
      kind: this.kind,
      state,
      done: this.done,
      total: this.total,
      ...this.counts,
      ...(currentFile ? { currentFile } : {}),
      ...(error ? { error } : {}),
      mbPerSecond: bytesPerSecond / 1e6,
      filesPerSecond: this.runFilesDone / seconds,
      etaSeconds: doneBytes > 0 ? Math.max(0, left) / (doneBytes / seconds) : null,
      workers: this.workers,
      ...(working.length > 0
        ? { working: working.map(({ file, tilesDone, tilesTotal }) => ({ file, tilesDone, tilesTotal })) }
        : {}),
    };
    emitBatchProgress(this.ctx, p);
  }
}
