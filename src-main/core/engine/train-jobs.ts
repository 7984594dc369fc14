// The training job kind ('train', progress = finished epochs): its declaration for the generic
// runner (jobs/runner.ts) and the engine's calls on it. The job's input holds the whole plan, so
// it runs again in a later process; its worker checkpoints after every epoch into the job's folder
// under the home's tmp, and a resumed job continues from there with the same model id. The
// folder goes when the job is done or cancelled, and stays when it fails or is interrupted.
import path from 'node:path';
import { z } from 'zod';
import type { JobRecord } from '../catalog/index.js';
import { TrainRequest, type TrainResult } from '../contract/engine.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { declareJob } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { startWorkerTask } from '../workers/host.js';
import { trainTask } from './tasks.js';
import { removeCheckpointDir } from './train-checkpoint.js';
import { newModelId, planTraining, type TrainPlan } from './train-plan.js';

export const TRAIN_JOB_KIND = 'train';

/** What the catalog keeps as a training job's input: everything a later process needs to run it. */
export interface TrainJobRecordInput extends TrainPlan {
  request: TrainRequest;
  modelId: string;
}

const trainJobInput = z
  .object({
    request: TrainRequest,
    modelId: z.string().min(1),
    // The plan's options are the engine's own (train.ts), written by planTraining: checked for presence here.
    options: z.custom<TrainPlan['options']>((v) => typeof v === 'object' && v !== null, 'missing training options'),
    typical: z.object({ width: z.number(), height: z.number() }),
    note: z.string().optional(),
  })
  .passthrough() as unknown as z.ZodType<TrainJobRecordInput>;

export function trainInputOf(job: JobRecord): TrainJobRecordInput {
  if (job.kind !== TRAIN_JOB_KIND) throw new StudioError('bad-request', `job ${job.id} is a ${job.kind} job, not a training job`);
  const parsed = trainJobInput.safeParse(job.input);
  if (!parsed.success) throw new StudioError('bad-request', `job ${job.id}: training job input is incomplete (made by an older version?)`);
  return parsed.data;
}

export function checkpointDirOf(ctx: CoreContext, jobId: number): string {
  return path.join(ctx.home.tmpDir, `train-job-${jobId}`);
}

export const trainJob = declareJob({
  kind: 'train',
  label: 'training',
  input: trainJobInput,
  pauseRefusal: () => undefined,
  run(run) {
    const dir = checkpointDirOf(run.ctx, run.jobId);
    const { input } = run;
    return startWorkerTask(
      trainTask,
      {
        jobId: run.jobId,
        modelId: input.modelId,
        catalogFile: run.ctx.home.catalogFile,
        modelsDir: run.ctx.home.modelsDir,
        checkpointFile: path.join(dir, 'checkpoint.bin'),
        options: input.options,
        typical: input.typical,
      },
      { onProgress: (p) => run.progress({ jobId: run.jobId, ...p }) },
    );
  },
  async end(run, end) {
    const dir = checkpointDirOf(run.ctx, run.jobId);
    if (end.ok) {
      await removeCheckpointDir(dir);
      return { state: 'done', stored: end.value, finished: { jobId: run.jobId, ok: true, result: end.value }, result: end.value };
    }
    if (end.state === 'cancelled') await removeCheckpointDir(dir);
    return {
      state: end.state,
      error: end.error,
      finished: { jobId: run.jobId, ok: false, error: end.error, cancelled: end.state === 'cancelled' },
    };
  },
  stored: (_catalog, job) => (job.state === 'done' && job.result ? (job.result as TrainResult) : undefined),
  discard: (ctx, jobId) => removeCheckpointDir(checkpointDirOf(ctx, jobId)),
});

/** The engine's training jobs, on the studio's job runner. */
export function trainJobs(ctx: CoreContext) {
  const runner = jobRunner(ctx);
  return {
    /** Plans the training (refusing images over maxPixels), stores it as a job and starts it. */
    start(req: TrainRequest, maxPixels?: number): number {
      const catalog = runner.catalogOf();
      const plan = planTraining(req, catalog, maxPixels);
      const input: TrainJobRecordInput = { ...plan, request: req, modelId: newModelId() };
      const budgeted = plan.options.budget?.minutes !== undefined || plan.options.budget?.steps !== undefined;
      return runner.start(trainJob, input, budgeted ? null : plan.options.epochs).jobId;
    },
    cancel: (jobId: number): Promise<boolean> => runner.cancel(trainJob, jobId),
    isRunning: (jobId: number): boolean => runner.isLive(jobId),
    /** The result when the job ends here, or the stored one; a job that did not finish throws why. */
    async wait(jobId: number): Promise<TrainResult> {
      const o = await runner.wait(trainJob, jobId);
      if (o.state === 'done' && o.result) return o.result as TrainResult;
      if (o.state === 'cancelled') throw new StudioError('cancelled', `training job ${jobId} was cancelled`);
      if (o.state === 'failed') throw new StudioError('internal', o.error ?? `training job ${jobId} failed`);
      throw new StudioError('conflict', `training job ${jobId} is ${o.state}${o.error ? ` (${o.error})` : ''}; resumeJob continues it`);
    },
  };
}
