// `compress|decompress ... --queue URL`: plans the batch as a local one does (walk, outputs,
// what an earlier run finished), puts one BullMQ job per file on the queue (the job id is derived
// from the output path), follows the workers' results through the queue's event stream, with a
// look at every outstanding job whenever the stream is quiet (after an outage, say), and records
// every file once in this studio's catalog, so the summary is the local batch's. One Submission
// is the work of one run of a queue batch job (queue-batch-job.ts): the runner claims the job
// and records its end; a submission records the files.
import { randomBytes } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { itemOptionsOf, notInCatalog, planBatch } from '../batch/job-record.js';
import { removePartials } from '../batch/output.js';
import { packFolderOf, type PlannedItem } from '../batch/plan.js';
import { reasonFor, type ItemOptions, type ItemOutcome } from '../batch/process-item.js';
import type { Catalog } from '../catalog/index.js';
import type { ModelRecord } from '../catalog/types.js';
import { calibratedModel } from '../codec-files/calibration-cache.js';
import { calibrationSource } from '../engine/model-resolver.js';
import { peekLatent } from '../codec-files/latent-file.js';
import type { BatchProgress } from '../contract/batch.js';
import type { CoreContext } from '../context.js';
import { openModel } from '../engine/open-model.js';
import { familyMeta } from '../engine/models/families.js';
import { resolveRegular } from '../input/open-input.js';
import type { BatchRecord } from './batch-record.js';
import { openRedis, OutageReporter } from './connection.js';
import {
  JOB_ATTEMPTS,
  jobIdFor,
  QUEUE_NAME,
  QUEUE_PREFIX,
  queueJobData,
  queueResult,
  workOf,
  type QueueJobData,
  type QueueModel,
} from './job-data.js';
import { publishModel } from './model-store.js';
import { redact, type QueueUrl } from './queue-url.js';

export interface SubmissionHooks {
  say(line: string): void;
  progress(p: BatchProgress): void;
  /** Aborted: files not yet taken by a worker are taken off the queue; the job stays resumable. */
  signal?: AbortSignal;
}

/** Finished jobs stay on the queue this long, so a submitter that comes back reads their results. */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;
/** A look at the outstanding jobs when no event came for this long. */
const QUIET_MS = 2000;
const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

interface Entry {
  data: QueueJobData;
  item: PlannedItem;
  queuedAt: number;
}

/** How a submission ended: every file settled, or stopped with files left (aborted). */
export type SubmissionEnd = 'done' | 'stopped';

/** One run of a queue batch job: plans, places and follows its files until each is settled or it is aborted. */
export class Submission {
  private readonly batch = randomBytes(12).toString('hex');
  private readonly reporter: OutageReporter;
  private readonly client: Redis;
  /** Every connection opened here: BullMQ leaves connections it was given open. */
  private readonly clients: Redis[] = [];
  private readonly queue: Queue;
  private events: QueueEvents | undefined;
  private readonly pending = new Map<string, Entry>();
  private readonly workers = new Set<string>();
  private workersSeen = 0;
  private lastEvent = Date.now();
  private reconciling = false;
  private timer: NodeJS.Timeout | undefined;
  private allDone: (() => void) | undefined;
  private total = 0;
  private runFiles = 0;
  private runBytes = 0;
  private runBytesDone = 0;
  private modelId: string | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly ctx: CoreContext,
    private readonly catalog: Catalog,
    private readonly q: QueueUrl,
    private readonly record: BatchRecord,
    private readonly hooks: SubmissionHooks,
  ) {
    this.reporter = new OutageReporter(q, hooks.say, record.input.kind);
    this.client = this.open('submit');
    this.queue = new Queue(QUEUE_NAME, { connection: this.client, prefix: QUEUE_PREFIX, streams: { events: { maxLen: 100_000 } } });
    this.queue.on('error', (err) => this.reporter.error(err));
  }

  get workerCount(): number {
    return this.workers.size;
  }

  async execute(): Promise<SubmissionEnd> {
    const input = this.record.input;
    const model = input.kind === 'compress' ? this.catalog.models.get(input.modelId ?? '') : undefined;
    if (input.kind === 'compress' && !model) throw notInCatalog(input.modelId);
    this.modelId = model?.id;
    // As a local batch plans it (batch/run-job.ts).
    const plan = await planBatch(input);
    const problems = plan.problems;
    this.total = plan.items.length + problems.length;
    this.record.setTotal(this.total);
    const finished = this.record.finishedKeys();
    for (const p of problems) if (!finished.has(p.path)) this.record.record(p.path, { outcome: 'failed', error: p.error });
    const open = plan.items.filter((i) => !finished.has(i.input));
    // Workers check that the output folder is there: the sign that they see the shared folder.
    await mkdir(input.outDir, { recursive: true });
    this.progress();

    const entries = await this.entries(open, itemOptionsOf(input), model);
    if (entries.length > 0) {
      await this.listen();
      await this.place(entries);
    }
    if (this.pending.size > 0 && !this.hooks.signal?.aborted) {
      await new Promise<void>((resolve) => {
        this.allDone = resolve;
        this.timer = setInterval(() => void this.reconcile(), QUIET_MS / 2);
        this.hooks.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    clearInterval(this.timer);
    if (this.hooks.signal?.aborted && this.pending.size > 0) {
      await this.withdraw();
      return 'stopped';
    }
    // Every job is finished: a temporary beside an output whose writer is gone is left over.
    await removePartials(plan.items.map((i) => i.output));
    return 'done';
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.reporter.close();
    await this.events?.close().catch(() => {});
    await this.queue.close().catch(() => {});
    for (const c of this.clients) c.disconnect();
  }

  private open(name: string): Redis {
    const c = openRedis(this.q, name, this.reporter);
    this.clients.push(c);
    return c;
  }

  /** One job's data per open file; files whose model is not here are recorded as failed, as a local batch reports them. */
  private async entries(open: PlannedItem[], options: ItemOptions, model: ModelRecord | undefined): Promise<Entry[]> {
    const byModel = new Map<string, QueueModel>();
    const payload = async (rec: ModelRecord, ref: string): Promise<QueueModel> => {
      let m = byModel.get(`${rec.id}\0${ref}`);
      if (!m) {
        const key = await publishModel(this.client, this.catalog, this.ctx.home, rec);
        const finestStep = await this.finestStep(rec);
        m = { id: rec.id, weightsHash: rec.weightsHash, ref, key, ...(finestStep !== undefined ? { finestStep } : {}) };
        byModel.set(`${rec.id}\0${ref}`, m);
      }
      return m;
    };
    const out: Entry[] = [];
    for (const item of open) {
      let m: QueueModel;
      if (model) m = await payload(model, model.id);
      else {
        let ref: string;
        try {
          // The local batch's first looks at a .latent file (process-item.ts), so its reasons read the same.
          await resolveRegular(item.input);
          ref = (await peekLatent(item.input)).params.modelId;
        } catch (err) {
          this.settleLocal(item, { outcome: 'failed', error: reasonFor(item.input, err) });
          continue;
        }
        const rec = this.catalog.models.get(ref);
        if (!rec) {
          this.settleLocal(item, {
            outcome: 'failed',
            error: `${item.input}: needs model ${ref}, which is not in the catalog (import that model first)`,
          });
          continue;
        }
        m = await payload(rec, ref);
      }
      const base = {
        v: 1 as const,
        batch: this.batch,
        input: item.input,
        output: item.output,
        outDir: this.record.input.outDir,
        options,
        model: m,
      };
      const data = queueJobData.parse({ ...base, work: workOf(base) });
      out.push({ data, item, queuedAt: Date.now() });
    }
    return out;
  }

  /** A v1 model's finest step as the local batch calibrates it; learned models have none. */
  private async finestStep(rec: ModelRecord): Promise<number | undefined> {
    if (familyMeta(rec.arch)?.learned || (rec.card as { finestStep?: number }).finestStep !== undefined) return undefined;
    const source = calibrationSource(this.ctx, rec);
    if (source.samples.length === 0) return undefined;
    const loaded = await openModel(rec);
    try {
      const m = await calibratedModel(loaded, source);
      return m.card.finestStep;
    } finally {
      loaded.dispose();
    }
  }

  /** Events from now on: read from the stream's last entry, so none between adding and listening is missed. */
  private async listen(): Promise<void> {
    const last = await this.client.xrevrange(this.queue.toKey('events'), '+', '-', 'COUNT', 1);
    this.events = new QueueEvents(QUEUE_NAME, {
      connection: this.open('events'),
      prefix: QUEUE_PREFIX,
      lastEventId: last[0]?.[0] ?? '0-0',
    });
    this.events.on('error', (err) => this.reporter.error(err));
    this.events.on('completed', ({ jobId, returnvalue }) => this.completed(jobId, returnvalue));
    this.events.on('failed', ({ jobId, failedReason }) => this.failed(jobId, failedReason));
    await this.events.waitUntilReady();
  }

  /**
   * Puts the jobs on the queue. A job already there for the same output is adopted while it is
   * pending with the same work (a submitter that stopped and came back, or two submitters of one
   * command: the file is written once), replaced when it is finished, and otherwise leaves this
   * file failed: another batch is writing that output.
   */
  private async place(entries: Entry[]): Promise<void> {
    const CHUNK = 200;
    for (let k = 0; k < entries.length; k += CHUNK) {
      const chunk = entries.slice(k, k + CHUNK);
      // The state first: a job that finishes meanwhile is then read with its result.
      const states = await Promise.all(chunk.map((e) => this.queue.getJobState(jobIdFor(e.data.output))));
      const existing = await Promise.all(chunk.map((e) => Job.fromId(this.queue, jobIdFor(e.data.output))));
      const add: Entry[] = [];
      for (const [i, e] of chunk.entries()) {
        const job = existing[i];
        const state = states[i]!;
        if (!job || state === 'unknown') {
          add.push(e);
          continue;
        }
        const theirs = queueJobData.safeParse(job.data);
        const same = theirs.success && theirs.data.work === e.data.work;
        if (PENDING_STATES.has(state)) {
          if (same) this.pending.set(job.id!, e);
          else
            this.settleLocal(e.item, {
              outcome: 'failed',
              error: `${e.item.input}: its output ${e.item.output} is being written by another batch on the queue`,
            });
          continue;
        }
        // Resuming: a file an earlier run's job finished is not redone (a new job redoes it, as a local batch does).
        if (same && this.record.continuing && state === 'completed' && (await adoptable(job.returnvalue, e))) {
          this.pending.set(job.id!, e);
          this.completed(job.id!, job.returnvalue);
          continue;
        }
        await job.remove().catch(() => {});
        add.push(e);
      }
      for (const e of add) this.pending.set(jobIdFor(e.data.output), e);
      this.runBytes += chunk.reduce((n, e) => n + e.item.bytes, 0);
      if (add.length > 0) await this.queue.addBulk(add.map((e) => ({ name: e.data.options.kind, data: e.data, opts: this.jobOptions(e) })));
    }
  }

  private jobOptions(e: Entry) {
    return {
      jobId: jobIdFor(e.data.output),
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'fixed', delay: 500 },
      removeOnComplete: { age: KEEP_FINISHED_SECONDS },
      removeOnFail: { age: KEEP_FINISHED_SECONDS },
    };
  }

  private completed(jobId: string, returnvalue: unknown): void {
    this.lastEvent = Date.now();
    const e = this.pending.get(jobId);
    if (!e) return;
    const r = queueResult.safeParse(typeof returnvalue === 'string' ? parseJson(returnvalue) : returnvalue);
    const { input, output } = e.item;
    if (!r.success) return this.settle(jobId, e, { outcome: 'failed', error: `${input}: the worker's result is malformed` });
    if (r.data.work !== e.data.work)
      return this.settle(jobId, e, {
        outcome: 'failed',
        error: `${input}: its output ${output} was written by another batch on the queue`,
      });
    const o = r.data.outcome;
    if (o.outcome === 'done' && (o.file.input !== input || (o.file.output !== output && o.file.output !== packFolderOf(output))))
      return this.settle(jobId, e, { outcome: 'failed', error: `${input}: the worker's result names other files` });
    this.workers.add(r.data.worker);
    this.settle(jobId, e, o);
  }

  private failed(jobId: string, reason: string): void {
    this.lastEvent = Date.now();
    const e = this.pending.get(jobId);
    if (!e) return;
    const { input } = e.item;
    let why = redact((reason || 'failed').split('\n')[0]!, this.q);
    // BullMQ's words for a job whose workers kept dying under it.
    if (/stalled more than allowable limit/.test(why))
      why = `the workers coding it stopped ${JOB_ATTEMPTS} times (killed, or out of memory)`;
    this.settle(jobId, e, { outcome: 'failed', error: why.includes(input) ? why : `${input}: ${why}` });
  }

  /** A file settled without a job (its model is missing, its output is another batch's). */
  private settleLocal(item: PlannedItem, outcome: ItemOutcome): void {
    this.record.record(item.input, outcome, this.modelId);
    this.progress(item.input, outcome);
  }

  private settle(jobId: string, e: Entry, outcome: ItemOutcome): void {
    if (!this.pending.delete(jobId)) return;
    this.record.record(e.item.input, outcome, this.modelId);
    this.runFiles++;
    this.runBytesDone += e.item.bytes;
    this.progress(e.item.input, outcome);
    if (this.pending.size === 0) this.allDone?.();
  }

  /**
   * When the event stream is quiet: every outstanding job is looked at. Finished ones are
   * settled from their record; lost ones (a Redis that came back empty) are settled from their
   * output if it is in place, or put on the queue again.
   */
  private async reconcile(): Promise<void> {
    if (this.reconciling || Date.now() - this.lastEvent < QUIET_MS || this.pending.size === 0) return;
    this.reconciling = true;
    try {
      this.workersSeen = await this.queue.getWorkersCount().catch(() => this.workersSeen);
      this.progress();
      const ids = [...this.pending.keys()];
      for (let k = 0; k < ids.length; k += 200) {
        const chunk = ids.slice(k, k + 200);
        const jobs = await Promise.all(chunk.map((id) => Job.fromId(this.queue, id)));
        for (const [i, id] of chunk.entries()) {
          const e = this.pending.get(id);
          if (!e) continue;
          const job = jobs[i];
          if (!job) {
            await this.lost(id, e);
            continue;
          }
          if (!job.finishedOn) continue;
          const state = await job.getState();
          if (state === 'completed') this.completed(id, job.returnvalue);
          else if (state === 'failed') this.failed(id, job.failedReason);
        }
      }
    } catch {
      // Redis is away: the reporter said so; the next quiet moment looks again.
    } finally {
      this.reconciling = false;
      this.lastEvent = Math.max(this.lastEvent, Date.now() - QUIET_MS / 2);
    }
  }

  private async lost(id: string, e: Entry): Promise<void> {
    const out = await stat(e.item.output).catch(() => undefined);
    if (out?.isFile() && out.ctimeMs >= e.queuedAt - 1000) {
      const inSt = (await resolveRegular(e.item.input).catch(() => undefined))?.stats;
      if (inSt) {
        this.settle(id, e, { outcome: 'done', file: { input: e.item.input, output: e.item.output, bytes: out.size, bytesIn: inSt.size } });
        return;
      }
    }
    await this.queue.add(e.data.options.kind, e.data, this.jobOptions(e));
  }

  /** Aborted: the jobs no worker has taken yet leave the queue; those in progress finish there. */
  private async withdraw(): Promise<void> {
    for (const id of this.pending.keys()) {
      const job = await Job.fromId(this.queue, id).catch(() => undefined);
      const state = await job?.getState().catch(() => undefined);
      if (job && state !== undefined && state !== 'active' && PENDING_STATES.has(state)) await job.remove().catch(() => {});
    }
  }

  private progress(currentFile?: string, outcome?: ItemOutcome): void {
    const t = this.record.totals();
    const seconds = Math.max(1e-3, (Date.now() - this.started) / 1000);
    const rate = this.runBytesDone / seconds;
    this.hooks.progress({
      jobId: this.record.id,
      kind: this.record.input.kind,
      state: 'running',
      done: t.done,
      total: this.total,
      written: t.written,
      skipped: t.skipped,
      failed: t.failed,
      bytesIn: t.bytesIn,
      bytesOut: t.bytesOut,
      ...(currentFile ? { currentFile } : {}),
      ...(outcome?.outcome === 'failed' ? { error: outcome.error } : {}),
      mbPerSecond: rate / 1e6,
      filesPerSecond: this.runFiles / seconds,
      etaSeconds: this.runFiles > 0 && rate > 0 ? (this.runBytes - this.runBytesDone) / rate : null,
      workers: Math.max(this.workersSeen, this.workers.size),
    });
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** A finished job of the same work is this batch's file done before, while its output is still there. */
async function adoptable(returnvalue: unknown, e: Entry): Promise<boolean> {
  const r = queueResult.safeParse(returnvalue);
  if (!r.success || r.data.work !== e.data.work || e.data.options.overwrite) return false;
  if (r.data.outcome.outcome !== 'done') return false;
  return (await stat(r.data.outcome.file.output).catch(() => undefined)) !== undefined;
}
