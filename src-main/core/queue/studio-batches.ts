// Queue batches a studio submits through the contract (startQueueBatch; the Batch view's "Run on
// workers"): the same submission as `compress|decompress --queue` (submit.ts), on the queue URL
// saved in the settings, with its progress and end as the studio's jobProgress / jobFinished
// events. BullMQ and its Redis driver are loaded on the first such batch, not with the studio.
import { emitBatchFinished, emitBatchProgress, emitBatchState } from '../batch/job-events.js';
import { batchSummary, finishedEvent } from '../batch/summary.js';
import { getCatalog, type Catalog } from '../catalog/index.js';
import type { BatchKind, BatchProgress, BatchRequest, BatchStarted, BatchSummary } from '../contract/batch.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { readSettings } from '../settings/store.js';
import { parseQueueUrl, redact } from './queue-url.js';

interface Running {
  kind: BatchKind;
  stop: AbortController;
  end: Promise<BatchSummary>;
}

export class QueueBatches {
  private readonly running = new Map<number, Running>();
  private readonly catalog: Catalog;
  private closing = false;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives the submissions when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
  }

  /** Claims the job and starts placing its files on the queue; resolves once the job is claimed. */
  async start(req: BatchRequest): Promise<BatchStarted> {
    if (this.closing) throw new StudioError('conflict', 'the studio is closing');
    const { queueUrl } = await readSettings(this.ctx.home);
    if (queueUrl === undefined)
      throw new StudioError('bad-request', 'no queue is configured: save its address (redis://HOST:PORT) in the settings first');
    const q = parseQueueUrl(queueUrl);
    const { runQueueBatch } = await import('./submit.js');
    const stop = new AbortController();
    let last: BatchProgress | undefined;
    let notice: string | undefined;
    const emit = (p: BatchProgress) => {
      last = p;
      emitBatchProgress(this.ctx, notice ? { ...p, notice } : p);
    };
    let endNow!: (s: BatchSummary) => void;
    const end = new Promise<BatchSummary>((resolve) => (endNow = resolve));
    let started: BatchStarted | undefined;
    const finish = (summary: BatchSummary | undefined) => {
      const id = started!.jobId;
      this.running.delete(id);
      // A submission that failed recorded the job as failed with its reason: the stored summary says it.
      const s = summary ?? batchSummary(this.catalog, this.catalog.jobs.require(id));
      emitBatchFinished(this.ctx, finishedEvent(s));
      endNow(s);
    };
    return new Promise<BatchStarted>((resolve, reject) => {
      runQueueBatch(this.ctx, q, req, {
        say: (line) => {
          notice = redact(line, q);
          this.ctx.emit('log', { level: 'warn', message: notice });
          if (last) emit(last);
        },
        progress: (p) => {
          // The line that said the queue is back has been seen; the next file clears it.
          if (notice !== undefined && /reachable again/.test(notice)) notice = undefined;
          emit(p);
        },
        signal: stop.signal,
        started: (s) => {
          started = s;
          this.running.set(s.jobId, { kind: s.kind, stop, end });
          emitBatchState(this.ctx, s.jobId, s.kind, 'running');
          resolve(s);
        },
      }).then(
        ({ summary }) => finish(summary),
        (err: unknown) => (started ? finish(undefined) : reject(err)),
      );
    });
  }

  /** The kind of a batch this studio is sending to the queue now; undefined for any other job. */
  kindOf(jobId: number): BatchKind | undefined {
    return this.running.get(jobId)?.kind;
  }

  /** Takes the files no worker has started off the queue; the job ends 'cancelled', resumable. */
  cancel(jobId: number): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.stop.abort();
    return true;
  }

  /** The job's summary when it ends; undefined when this studio is not submitting it. */
  wait(jobId: number): Promise<BatchSummary> | undefined {
    return this.running.get(jobId)?.end;
  }

  /** Studio closing: every submission stops placing files (those on workers finish there). */
  async dispose(): Promise<void> {
    this.closing = true;
    const all = [...this.running.values()];
    for (const r of all) r.stop.abort();
    await Promise.allSettled(all.map((r) => r.end));
  }
}

export function queueBatches(ctx: CoreContext): QueueBatches {
  return ctx.resource(
    'queue.studioBatches',
    () => new QueueBatches(ctx),
    (b) => b.dispose(),
  );
}
