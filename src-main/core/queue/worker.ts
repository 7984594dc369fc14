// `latent-studio worker`: a BullMQ worker that takes compress and decompress jobs (one file each)
// from the queue. Its main thread checks each job (payload schema, roots, the shared folder, the
// model) and keeps the job's lock alive; its coding threads (thread-pool.ts) do the file with the
// local batch's code. A job tried again after a crash first removes what the earlier try left
// (its temporary file), and adopts the output that try already put in place.
import { readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ItemOutcome } from '../batch/process-item.js';
import { copyTimes } from '../batch/output.js';
import { packFolderOf } from '../batch/plan.js';
import { toWireError } from '../contract/errors.js';
import { sweepStaleTemporaries } from '../system/home-sweep.js';
import type { StudioHome } from '../system/home.js';
import { fsPathOf } from '../input/names.js';
import { resolveRegular } from '../input/open-input.js';
import { parsePartName } from '../system/part-name.js';
import { openRedis, OutageReporter } from './connection.js';
import { JOB_ATTEMPTS, jobIdFor, QUEUE_NAME, QUEUE_PREFIX, queueJobData, type QueueJobData, type QueueResult } from './job-data.js';
import { ModelCache } from './model-store.js';
import { redact, type QueueUrl } from './queue-url.js';
import type { Roots } from './roots.js';
import { ThreadError, ThreadPool } from './thread-pool.js';

export interface QueueWorkerOptions {
  queue: QueueUrl;
  home: StudioHome;
  roots: Roots;
  /** Files coded at once (one coding thread each). */
  concurrency: number;
  /**
   * Seconds after which the file of a worker that stopped renewing its lock (killed, frozen, cut
   * off) goes to another worker. Short in tests; BullMQ's 30 s by default.
   */
  stallSeconds: number;
  say(line: string): void;
}

export const DEFAULT_STALL_SECONDS = 30;

async function isDir(p: string | Buffer): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

export class QueueWorker {
  readonly name = `${os.hostname()}:${process.pid}`;
  private readonly reporter: OutageReporter;
  private readonly pool: ThreadPool;
  private readonly models: ModelCache;
  private readonly modelClient: Redis;
  private readonly workerClient: Redis;
  private readonly worker: Worker;

  constructor(private readonly o: QueueWorkerOptions) {
    this.reporter = new OutageReporter(o.queue, o.say, `worker ${this.name}`);
    this.pool = new ThreadPool(o.concurrency);
    this.modelClient = openRedis(o.queue, 'worker-models', this.reporter);
    this.models = new ModelCache(o.home, this.modelClient);
    const lockDuration = Math.round(o.stallSeconds * 1000);
    this.workerClient = openRedis(o.queue, 'worker', this.reporter);
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection: this.workerClient,
      prefix: QUEUE_PREFIX,
      name: this.name,
      concurrency: o.concurrency,
      lockDuration,
      stalledInterval: Math.max(250, Math.round(lockDuration / 2)),
      // A file whose workers keep dying (killed, out of memory) fails on its last try.
      maxStalledCount: JOB_ATTEMPTS - 1,
      autorun: false,
    });
    this.worker.on('error', (err) => this.reporter.error(err));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const last = job.attemptsMade >= (job.opts.attempts ?? 1);
      o.say(
        redact(
          `worker ${this.name}: ${last ? 'failed' : `try ${job.attemptsMade} of ${job.opts.attempts} failed`}: ${err.message}`,
          o.queue,
        ),
      );
    });
  }

  /** Runs until close(). */
  async run(): Promise<void> {
    void sweepStaleTemporaries(this.o.home).catch(() => {});
    this.o.say(
      `worker ${this.name}: taking jobs from ${this.o.queue.shown} with ${this.o.concurrency} coding thread(s); roots ${this.o.roots.dirs.join(', ')}`,
    );
    await this.worker.run();
  }

  /** Finishes the files in progress, then disconnects. */
  async close(): Promise<void> {
    this.reporter.close();
    await this.worker.close();
    await this.pool.close();
    // BullMQ leaves connections it was given open.
    this.modelClient.disconnect();
    this.workerClient.disconnect();
  }

  private async process(job: Job): Promise<QueueResult> {
    const parsed = queueJobData.safeParse(job.data);
    // Not retried: no other worker would read it differently.
    if (!parsed.success)
      throw new UnrecoverableError(`job ${job.id}: not a batch job this worker reads (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    const d = parsed.data;
    if (job.id !== jobIdFor(d.output)) throw new UnrecoverableError(`job ${job.id}: its id does not match its output ${d.output}`);
    try {
      await this.o.roots.check(d.input, 'input');
      await this.o.roots.check(d.output, 'output');
      await this.checkShared(d);
      if (job.attemptsStarted > 1) {
        const earlier = await this.settleEarlierTry(d, job.timestamp);
        if (earlier) return this.result(d, earlier, 0);
      }
      const dir = await this.models.ensure(d.model);
      const r = await this.pool.run({
        input: d.input,
        output: d.output,
        options: d.options,
        model: {
          dir,
          id: d.model.id,
          weightsHash: d.model.weightsHash,
          ref: d.model.ref,
          ...(d.model.finestStep !== undefined ? { finestStep: d.model.finestStep } : {}),
        },
      });
      return this.result(d, r.outcome, r.ms);
    } catch (err) {
      if (err instanceof ThreadError && err.wrongWeights) await this.models.discard(d.model);
      const message = toWireError(err).message.split('\n')[0]!;
      throw new Error(redact(message.includes(d.input) ? message : `${d.input}: ${message}`, this.o.queue));
    }
  }

  private result(d: QueueJobData, outcome: ItemOutcome, ms: number): QueueResult {
    return { v: 1, work: d.work, outcome, worker: this.name, ms };
  }

  /**
   * The input's folder and the output folder must be there: a worker that cannot see them lacks
   * the shared folder (another worker may have it; the job is tried again there).
   */
  private async checkShared(d: QueueJobData): Promise<void> {
    const inDir = path.dirname(d.input);
    if (!(await isDir(fsPathOf(inDir))))
      throw new Error(
        `${d.input}: not visible on worker ${this.name} (its folder ${inDir} is not there; every worker needs the shared folder at the same path)`,
      );
    if (!(await isDir(d.outDir)))
      throw new Error(
        `${d.input}: the output folder ${d.outDir} is not there on worker ${this.name} (every worker needs the shared folder at the same path)`,
      );
  }

  /**
   * An earlier try of this job stopped (its worker was killed or cut off and lost the job's lock):
   * its temporary file is removed, whoever wrote it, and an output it already put in place (made
   * since the job was queued) is taken as done, as a local batch does after a crash.
   */
  private async settleEarlierTry(d: QueueJobData, queuedAt: number): Promise<ItemOutcome | undefined> {
    const dir = path.dirname(d.output);
    const names = new Set([path.basename(d.output), path.basename(packFolderOf(d.output))]);
    for (const e of await readdir(dir).catch(() => [] as string[])) {
      const part = parsePartName(e);
      if (part && names.has(part.base)) await rm(path.join(dir, e), { recursive: true, force: true });
    }
    const out = await stat(d.output).catch(() => undefined);
    if (!out?.isFile() || out.ctimeMs < queuedAt - 1000) return undefined;
    const inSt = (await resolveRegular(d.input).catch(() => undefined))?.stats;
    if (!inSt) return undefined;
    if (out.mtimeMs !== inSt.mtimeMs) await copyTimes(d.output, inSt);
    return { outcome: 'done', file: { input: d.input, output: d.output, bytes: out.size, bytesIn: inSt.size } };
  }
}
