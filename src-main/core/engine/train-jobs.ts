// Training jobs of one studio: each runs in its own worker thread; this keeps their handles so
// the contract can pause, resume, cancel and await them, and forwards progress as events.
import { getCatalog } from '../catalog/index.js';
import { StudioError } from '../contract/errors.js';
import type { TrainRequest, TrainResult } from '../contract/engine.js';
import type { CoreContext } from '../context.js';
import { startWorkerTask, type WorkerHandle } from '../jobs/worker-host.js';
import { newModelId, planTraining } from './train-plan.js';

interface Job {
  handle: WorkerHandle<TrainResult>;
  result: Promise<TrainResult>;
}

export class TrainJobs {
  private readonly jobs = new Map<string, Job>();
  private next = 1;

  constructor(private readonly ctx: CoreContext) {}

  start(req: TrainRequest): string {
    const plan = planTraining(req, getCatalog(this.ctx));
    const jobId = `train-${this.next++}-${Date.now().toString(36)}`;
    const modelId = newModelId();
    const handle = startWorkerTask(
      'engine.train',
      { modelId, catalogFile: this.ctx.home.catalogFile, modelsDir: this.ctx.home.modelsDir, options: plan.options, typical: plan.typical },
      { onProgress: (p) => this.ctx.emit('trainProgress', { jobId, ...p }) },
    );
    const result = handle.result.then(
      (r) => {
        this.ctx.emit('trainFinished', { jobId, ok: true, result: r });
        return r;
      },
      (err: unknown) => {
        const e = err instanceof StudioError ? err : new StudioError('internal', String(err));
        this.ctx.emit('trainFinished', { jobId, ok: false, error: e.message, cancelled: e.code === 'cancelled' });
        throw e;
      },
    );
    result.catch(() => {}); // observed through awaitTraining or the event
    this.jobs.set(jobId, { handle, result });
    return jobId;
  }

  private get(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('not-found', `training job ${jobId} is not running in this studio`);
    return job;
  }

  wait(jobId: string): Promise<TrainResult> {
    return this.get(jobId).result;
  }

  pause(jobId: string): void {
    this.get(jobId).handle.pause();
    this.ctx.emit('trainProgress', { jobId, kind: 'state', state: 'paused' });
  }

  resume(jobId: string): void {
    this.get(jobId).handle.resume();
    this.ctx.emit('trainProgress', { jobId, kind: 'state', state: 'running' });
  }

  cancel(jobId: string): void {
    this.get(jobId).handle.cancel();
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.handle.cancel();
  }
}

export function trainJobs(ctx: CoreContext): TrainJobs {
  return ctx.resource(
    'engine.trainJobs',
    () => new TrainJobs(ctx),
    (j) => j.cancelAll(),
  );
}
