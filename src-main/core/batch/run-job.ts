// One run of a batch job, as the generic runner starts it (its declaration is queue.ts): walk the
// inputs and plan the outputs, settle what an earlier run left (finished files are not redone,
// partial files are removed, a file written just before a crash is recognised), run the worker
// pool, and record every file in the catalog as it finishes, so the record always says exactly
// what is done. The runner claims the job and records how it ended.
import { resolveRegular } from '../input/open-input.js';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import type { Catalog, JobRecord } from '../catalog/index.js';
import { calibrationSource } from '../engine/model-resolver.js';
import type { BatchFileResult, BatchKind, BatchProgress } from '../contract/batch.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import { POOL_PIXEL_BUDGET } from '../contract/limits.js';
import type { CoreContext } from '../context.js';
import type { JobWork } from '../jobs/declaration.js';
import type { BatchJobInput } from './job-input.js';
import { batchTotals, itemOptionsOf, notInCatalog, planBatch, recordBatchItem } from './job-record.js';
import { copyTimes, removePartials } from './output.js';
import { packFolderOf, type PlannedItem } from './plan.js';
import { BatchPool } from './pool.js';
import type { ItemOutcome } from './process-item.js';
import type { StoredBatchResult } from './summary.js';

export type RunEnd = { state: Extract<JobState, 'done' | 'failed' | 'cancelled' | 'interrupted'>; error?: string };

interface Counters {
  written: number;
  skipped: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

/** What a run needs from the runner: the job, how to report progress, why it is being stopped. */
export interface BatchRunOptions {
  ctx: CoreContext;
  catalog: Catalog;
  jobId: number;
  /** The job as it was before this run claimed it (when it first started). */
  before: JobRecord;
  input: BatchJobInput;
  progress(p: BatchProgress): void;
  stopping(): 'cancel' | 'close' | undefined;
}

export class BatchRun implements JobWork<RunEnd> {
  readonly result: Promise<RunEnd>;
  readonly jobId: number;
  private readonly ctx: CoreContext;
  private readonly catalog: Catalog;
  private pool: BatchPool | undefined;
  private paused = false;
  private cancelled = false;
  private interrupting = false;
  private terminated = false;
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
  private readonly kind: BatchKind;

  constructor(private readonly options: BatchRunOptions) {
    this.ctx = options.ctx;
    this.catalog = options.catalog;
    this.jobId = options.jobId;
    this.kind = options.input.kind;
    this.result = this.execute(options.input, options.before.startedAt);
  }

  /** Resolves once every worker has stopped at its checkpoint: only then is the job 'paused'. */
  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    this.pausedSince = Date.now();
    await this.pool?.pause();
    if (!this.paused) return; // resumed meanwhile
    this.emitProgress('paused');
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    this.pausedMs += Date.now() - (this.pausedSince ?? Date.now());
    await this.pool?.resume();
    this.emitProgress('running');
  }

  /** Stops after the files in progress: the user's cancel, or the studio closing (the job stays resumable). */
  cancel(): void {
    this.cancelled = true;
    this.interrupting = this.options.stopping() === 'close';
    this.pool?.cancel();
  }

  /** Ends every worker at once, as a crash of the process would: the files in progress are not recorded. */
  async terminate(): Promise<void> {
    this.terminated = true;
    this.cancelled = true;
    await this.pool?.terminate();
  }

  /** Seconds spent running in this run, pauses excluded. */
  seconds(): number {
    const pausedNow = this.pausedSince !== undefined && this.paused ? Date.now() - this.pausedSince : 0;
    return (Date.now() - this.started - this.pausedMs - pausedNow) / 1000;
  }

  get workerCount(): number {
    return this.workers;
  }

  /** What the job row keeps once this run has ended: its time added to the earlier runs', and the totals. */
  storedResult(prior: StoredBatchResult | undefined): StoredBatchResult {
    return { seconds: (prior?.seconds ?? 0) + this.seconds(), workers: this.workers || prior?.workers || 0, ...this.totals() };
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
    if (this.terminated) throw new StudioError('internal', `batch job ${this.jobId}: its workers ended at once`);
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
    // A crashed run records nothing more (a message already on its way from a dying worker).
    if (this.terminated) return;
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
      ...(working.length > 0 ? { working: working.map(({ file, tilesDone, tilesTotal }) => ({ file, tilesDone, tilesTotal })) } : {}),
    };
    this.options.progress(p);
  }
}
