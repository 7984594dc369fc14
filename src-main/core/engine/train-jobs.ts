// Training jobs of one studio. Each is a catalog job (kind 'train', progress = finished epochs)
// whose input holds the whole plan, so it can run again in a later process; it runs in its own
// worker thread, which checkpoints after every epoch into the job's folder under the home's tmp.
// A job whose process died is 'interrupted' (the catalog marks it on open) and resume() continues
// it from that checkpoint with the same model id. The folder goes when the job is done or cancelled.
import path from 'node:path';
import { getCatalog, type Catalog, type JobRecord } from '../catalog/index.js';
import { heldElsewhere, isHeldElsewhere } from '../catalog/repos/jobs.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { TrainRequest, TrainResult } from '../contract/engine.js';
import type { CoreContext } from '../context.js';
import { startWorkerTask, type WorkerHandle } from '../jobs/worker-host.js';
import { removeCheckpointDir } from './train-checkpoint.js';
import { newModelId, planTraining, type TrainPlan } from './train-plan.js';

export const TRAIN_JOB_KIND = 'train';

/** What the catalog keeps as a training job's input: everything a later process needs to run it. */
export interface TrainJobRecordInput extends TrainPlan {
  request: TrainRequest;
  modelId: string;
}

interface Running {
  handle: WorkerHandle<TrainResult>;
  result: Promise<TrainResult>;
  paused: boolean;
}

export function trainInputOf(job: JobRecord): TrainJobRecordInput {
  if (job.kind !== TRAIN_JOB_KIND) throw new StudioError('bad-request', `job ${job.id} is a ${job.kind} job, not a training job`);
  const input = job.input as Partial<TrainJobRecordInput> | null;
  if (!input?.modelId || !input.options || !input.typical)
    throw new StudioError('bad-request', `job ${job.id}: training job input is incomplete (made by an older version?)`);
  return input as TrainJobRecordInput;
}

export class TrainJobs {
  private readonly running = new Map<number, Running>();
  private readonly catalog: Catalog;
  private closing = false;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives the jobs when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
  }

  /** Plans the training, stores it as a job and starts it. */
  start(req: TrainRequest): number {
    const plan = planTraining(req, this.catalog);
    const input: TrainJobRecordInput = { ...plan, request: req, modelId: newModelId() };
    const job = this.catalog.jobs.create({
      kind: TRAIN_JOB_KIND,
      input,
      total: plan.options.budget?.minutes !== undefined || plan.options.budget?.steps !== undefined ? null : plan.options.epochs,
    });
    this.run(job.id);
    return job.id;
  }

  /**
   * Continues a job: a paused one here resumes at once; an interrupted, failed, cancelled or queued
   * one starts again from its last checkpoint (a cancelled one has none left: it starts over).
   */
  resume(jobId: number): JobState {
    const live = this.running.get(jobId);
    if (live) {
      if (live.paused) this.setPaused(jobId, live, false);
      return 'running';
    }
    const job = this.catalog.jobs.require(jobId);
    trainInputOf(job);
    if (job.state === 'done') throw new StudioError('conflict', `job ${jobId} is already done`);
    this.run(jobId);
    return 'running';
  }

  pause(jobId: number): JobState {
    const live = this.live(jobId);
    if (!live.paused) this.setPaused(jobId, live, true);
    return 'paused';
  }

  /** Stops a running job (within one batch) or drops a stopped one; either way its checkpoint goes. */
  cancel(jobId: number): boolean {
    const live = this.running.get(jobId);
    if (live) {
      live.handle.cancel();
      return true;
    }
    const job = this.catalog.jobs.require(jobId);
    trainInputOf(job);
    if (job.state === 'done' || job.state === 'cancelled') return false;
    if (isHeldElsewhere(job)) throw new StudioError('conflict', heldElsewhere(job));
    this.catalog.jobs.finish(jobId, 'cancelled', { error: 'cancelled' });
    void removeCheckpointDir(this.checkpointDir(jobId));
    return true;
  }

  /** Resolves with the result when the job ends here, or at once with the stored result of a finished job. */
  wait(jobId: number): Promise<TrainResult> {
    const live = this.running.get(jobId);
    if (live) return live.result;
    const job = this.catalog.jobs.require(jobId);
    trainInputOf(job);
    if (job.state === 'done' && job.result) return Promise.resolve(job.result as TrainResult);
    const why = job.error ? ` (${job.error})` : '';
    if (job.state === 'cancelled') throw new StudioError('cancelled', `training job ${jobId} was cancelled`);
    throw new StudioError('conflict', `training job ${jobId} is ${job.state}${why}; resumeJob continues it`);
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }

  /** Studio closing: running jobs stop and stay resumable ('interrupted', checkpoint kept). */
  async dispose(): Promise<void> {
    this.closing = true;
    const all = [...this.running.values()];
    for (const r of all) r.handle.cancel();
    await Promise.allSettled(all.map((r) => r.result));
  }

  checkpointDir(jobId: number): string {
    return path.join(this.ctx.home.tmpDir, `train-job-${jobId}`);
  }

  private live(jobId: number): Running {
    const live = this.running.get(jobId);
    if (!live) {
      const job = this.catalog.jobs.require(jobId);
      trainInputOf(job);
      throw new StudioError('conflict', `training job ${jobId} is ${job.state}, not running in this studio`);
    }
    return live;
  }

  private setPaused(jobId: number, live: Running, paused: boolean): void {
    live.paused = paused;
    if (paused) live.handle.pause();
    else live.handle.resume();
    this.catalog.jobs.setState(jobId, paused ? 'paused' : 'running');
    this.ctx.emit('trainProgress', { jobId, kind: 'state', state: paused ? 'paused' : 'running' });
  }

  private run(jobId: number): void {
    if (this.closing) throw new StudioError('conflict', 'the studio is closing');
    const job = this.catalog.jobs.claim(jobId);
    const input = trainInputOf(job);
    const dir = this.checkpointDir(jobId);
    const handle = startWorkerTask(
      'engine.train',
      {
        jobId,
        modelId: input.modelId,
        catalogFile: this.ctx.home.catalogFile,
        modelsDir: this.ctx.home.modelsDir,
        checkpointFile: path.join(dir, 'checkpoint.bin'),
        options: input.options,
        typical: input.typical,
      },
      { onProgress: (p) => this.ctx.emit('trainProgress', { jobId, ...p }) },
    );
    const result = handle.result.then(
      async (r) => {
        this.running.delete(jobId);
        this.catalog.jobs.finish(jobId, 'done', { result: r });
        await removeCheckpointDir(dir);
        this.ctx.emit('trainFinished', { jobId, ok: true, result: r });
        return r;
      },
      async (err: unknown) => {
        this.running.delete(jobId);
        const e = err instanceof StudioError ? err : new StudioError('internal', String(err));
        const cancelled = e.code === 'cancelled';
        // Closing the studio is not the user's cancel: the job stays resumable from its checkpoint.
        const state = cancelled ? (this.closing ? 'interrupted' : 'cancelled') : 'failed';
        this.catalog.jobs.finish(jobId, state, { error: cancelled ? (this.closing ? 'the studio closed' : 'cancelled') : e.message });
        if (state === 'cancelled') await removeCheckpointDir(dir);
        this.ctx.emit('trainFinished', { jobId, ok: false, error: e.message, cancelled });
        throw e;
      },
    );
    result.catch(() => {}); // observed through wait() or the event
    this.running.set(jobId, { handle, result, paused: false });
  }
}

export function trainJobs(ctx: CoreContext): TrainJobs {
  return ctx.resource(
    'engine.trainJobs',
    () => new TrainJobs(ctx),
    (j) => j.dispose(),
  );
}
