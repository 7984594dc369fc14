// A batch sent to `latent-studio worker` processes through a Redis queue, declared for the
// generic runner (jobs/runner.ts) like every job: the same kinds, stored input and per-file items
// as a local batch (batch/queue.ts), another declaration because its work is a submission
// (submit.ts) instead of this machine's pool. The runner claims the job, relays progress, cancels
// it (the files no worker has taken leave the queue), records its end and answers awaitJob; the
// queue's workers do not pause, so neither does it. Where the files go (the queue, and for the
// CLI its own lines and bar) is given by whoever starts a run, not stored: the queue URL can hold
// a password. A job stopped here (cancelled, interrupted) is continued on the queue by sending
// the same request again (or `--resume N --queue URL`). BullMQ and its Redis driver are loaded
// by the first run, not with the studio.
import type { Catalog, JobRecord } from '../catalog/index.js';
import { BATCH_JOB_KINDS, batchInputOf, normalizeRequest, outputKey, storedOutputKey } from '../batch/job-input.js';
import { batchTotals, findUnfinished } from '../batch/job-record.js';
import { batchSummary, finishedEvent, storedResult, type StoredBatchResult } from '../batch/summary.js';
import {
  batchRequest,
  type BatchKind,
  type BatchProgress,
  type BatchRequest,
  type BatchStarted,
  type BatchSummary,
} from '../contract/batch.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { declareJob, type JobDeclaration, type JobRun, type JobWork } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { readSettings } from '../settings/store.js';
import { BatchRecord } from './batch-record.js';
import { parseQueueUrl, redact, type QueueUrl } from './queue-url.js';
import type { Submission } from './submit.js';

type BatchJobKind = 'batch.compress' | 'batch.decompress';

/** Where one run sends its files, and who hears about it beside the studio's events. */
export interface QueueTarget {
  q: QueueUrl;
  /** A line about the queue (unreachable, back again). Default: a warning in the studio's log. */
  say?(line: string): void;
  /** Every progress, beside the jobProgress event (the CLI's bar). */
  progress?(p: BatchProgress): void;
}

/** How a run ended, with what the job row keeps of it. */
interface QueueRunEnd {
  state: 'done' | 'failed' | 'cancelled' | 'interrupted';
  error?: string;
  seconds: number;
  workers: number;
}

/**
 * The target of each run about to start, by studio and job: set by the start below, taken by the
 * declaration's run() (the runner calls it within the same call). Not a studio resource: nothing
 * in it outlives the call.
 */
const targetsByStudio = new WeakMap<CoreContext, Map<number, QueueTarget>>();
function targets(ctx: CoreContext): Map<number, QueueTarget> {
  let t = targetsByStudio.get(ctx);
  if (!t) targetsByStudio.set(ctx, (t = new Map()));
  return t;
}

/** The queue saved in the settings: a run started without a target (and the studio's batches) go there. */
export async function settingsTarget(ctx: CoreContext): Promise<QueueTarget> {
  const { queueUrl } = await readSettings(ctx.home);
  if (queueUrl === undefined)
    throw new StudioError('bad-request', 'no queue is configured: save its address (redis://HOST:PORT) in the settings first');
  return { q: parseQueueUrl(queueUrl) };
}

/** One run: a submission to the queue, stopped by the runner's cancel (or the studio closing). */
class QueueBatchRun implements JobWork<QueueRunEnd> {
  readonly result: Promise<QueueRunEnd>;
  private readonly stop = new AbortController();
  private readonly started = Date.now();
  private submission: Submission | undefined;

  constructor(
    private readonly run: JobRun<BatchJobKind, BatchRequest>,
    target: QueueTarget | undefined,
  ) {
    this.result = this.execute(target);
  }

  cancel(): void {
    this.stop.abort();
  }

  private async execute(given: QueueTarget | undefined): Promise<QueueRunEnd> {
    const { ctx, catalog } = this.run;
    let target: QueueTarget | undefined;
    try {
      target = given ?? (await settingsTarget(ctx));
      const { q } = target;
      const { Submission } = await import('./submit.js');
      const record = new BatchRecord(catalog, this.run.job, this.run.before.startedAt !== null);
      const voice = this.voice(target);
      const submission = new Submission(ctx, catalog, q, record, { ...voice, signal: this.stop.signal });
      this.submission = submission;
      try {
        const how = await submission.execute();
        if (how === 'done') return this.ended({ state: 'done' });
        return this.ended(
          this.run.stopping() === 'close'
            ? { state: 'interrupted', error: 'the studio closed' }
            : { state: 'cancelled', error: 'cancelled' },
        );
      } finally {
        await submission.close();
      }
    } catch (err) {
      const line = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      return this.ended({ state: 'failed', error: target ? redact(line, target.q) : line });
    }
  }

  private ended(end: Pick<QueueRunEnd, 'state' | 'error'>): QueueRunEnd {
    return { ...end, seconds: (Date.now() - this.started) / 1000, workers: this.submission?.workerCount ?? 0 };
  }

  /**
   * The submission's lines and progress: a line about the queue goes with every progress event
   * until the next file after it is back, so the Batch view shows it.
   */
  private voice(target: QueueTarget): { say(line: string): void; progress(p: BatchProgress): void } {
    const { ctx } = this.run;
    let last: BatchProgress | undefined;
    let notice: string | undefined;
    const event = (p: BatchProgress) => this.run.progress(notice ? { ...p, notice } : p);
    return {
      say: (line) => {
        notice = redact(line, target.q);
        if (target.say) target.say(notice);
        else ctx.emit('log', { level: 'warn', message: notice });
        if (last) event(last);
      },
      progress: (p) => {
        // The line that said the queue is back has been seen; the next file clears it.
        if (notice !== undefined && /reachable again/.test(notice)) notice = undefined;
        last = p;
        event(p);
        target.progress?.(p);
      },
    };
  }
}

function declareQueueBatch<K extends BatchJobKind>(kind: K): JobDeclaration<K, BatchRequest, QueueRunEnd> {
  return declareJob({
    kind,
    label: 'queue batch',
    input: batchRequest,
    // No group: its files are coded by the queue's workers, so local batches need not wait for it.
    pauseRefusal: () => "it runs on the queue's workers, which do not pause",
    // Refused when another live studio runs the same outputs as another job (see claim).
    sameWork: (input) => {
      const key = outputKey(normalizeRequest(input));
      return (other: JobRecord) => storedOutputKey(other) === key;
    },
    run(run) {
      const t = targets(run.ctx);
      const target = t.get(run.jobId);
      t.delete(run.jobId);
      return new QueueBatchRun(run, target);
    },
    end(run, end) {
      const prior = storedResult(run.before);
      const state = end.ok ? end.value.state : end.state;
      const error = end.ok ? end.value.error : end.error;
      const { done: _done, ...totals } = batchTotals(run.catalog, run.jobId);
      const stored: StoredBatchResult = {
        seconds: (prior?.seconds ?? 0) + (end.ok ? end.value.seconds : 0),
        workers: end.ok ? end.value.workers : (prior?.workers ?? 0),
        ...totals,
      };
      // The summary as the job row will read once the runner has recorded this end.
      const job = run.catalog.jobs.require(run.jobId);
      const summary = batchSummary(run.catalog, { ...job, state, error: error ?? null, result: stored });
      return { state, stored, ...(error ? { error } : {}), finished: finishedEvent(summary), result: summary };
    },
    stored: (catalog, job) => batchSummary(catalog, job),
  });
}

export const queueCompressJob = declareQueueBatch('batch.compress');
export const queueDecompressJob = declareQueueBatch('batch.decompress');

const declOf = (kind: BatchKind) => (kind === 'compress' ? queueCompressJob : queueDecompressJob);

/**
 * Sends a batch to the queue on the runner: a new job, the unfinished one with the same request
 * (unless fresh), or the job named. Resolves once the job is claimed (before any file is planned).
 */
export async function startQueueBatch(
  ctx: CoreContext,
  req: BatchRequest | { resume: number },
  target?: QueueTarget,
): Promise<BatchStarted> {
  const runner = jobRunner(ctx);
  const catalog = runner.catalogOf();
  const { jobId, kind, resumed, created } = openJob(catalog, req);
  const t = targets(ctx);
  if (target) t.set(jobId, target);
  try {
    // A new job runs through resume() too: the target is keyed by the job, so the row comes first.
    const state = await runner.resume(declOf(kind), jobId);
    return { jobId, kind, state, resumed };
  } catch (err) {
    // Not claimed (the studio closing, say): a job made for this call must not be left queued,
    // or the next studio start would run it on this machine.
    if (created && catalog.jobs.get(jobId)?.state === 'queued')
      catalog.jobs.finish(jobId, 'failed', { error: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
    throw err;
  } finally {
    t.delete(jobId);
  }
}

/** The job a request continues or creates (a stored batch named with resume: that one). */
function openJob(
  catalog: Catalog,
  req: BatchRequest | { resume: number },
): { jobId: number; kind: BatchKind; resumed: boolean; created: boolean } {
  if ('resume' in req) {
    const job = catalog.jobs.require(req.resume);
    return { jobId: job.id, kind: batchInputOf(job).kind, resumed: false, created: false };
  }
  const input = normalizeRequest(req);
  const prior = req.fresh ? undefined : findUnfinished(catalog, input);
  const job = prior ?? catalog.jobs.create({ kind: BATCH_JOB_KINDS[input.kind], input });
  return { jobId: job.id, kind: input.kind, resumed: prior !== undefined, created: prior === undefined };
}

export interface QueueBatchHooks {
  say(line: string): void;
  progress(p: BatchProgress): void;
  /** Aborted: the job is cancelled (the files no worker has taken leave the queue); it stays resumable. */
  signal?: AbortSignal;
}

/** `compress|decompress ... --queue URL`: one batch on the queue, run here to its end. */
export async function runQueueBatch(
  ctx: CoreContext,
  q: QueueUrl,
  req: BatchRequest | { resume: number },
  hooks: QueueBatchHooks,
): Promise<{ summary: BatchSummary; started: BatchStarted }> {
  const started = await startQueueBatch(ctx, req, { q, say: hooks.say, progress: hooks.progress });
  const runner = jobRunner(ctx);
  const decl = declOf(started.kind);
  const stop = () => void runner.cancel(decl, started.jobId).catch(() => {});
  hooks.signal?.addEventListener('abort', stop, { once: true });
  if (hooks.signal?.aborted) stop();
  try {
    const outcome = await runner.wait(decl, started.jobId);
    if (outcome.state === 'failed') throw new StudioError('internal', outcome.error ?? `queue batch job ${started.jobId} failed`);
    return { summary: outcome.result as BatchSummary, started };
  } finally {
    hooks.signal?.removeEventListener('abort', stop);
  }
}
