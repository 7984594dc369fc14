// The batch job kinds (batch.compress, batch.decompress: compress or decompress files and
// folders), declared for the generic runner (jobs/runner.ts), and the studio's start of one. Both
// kinds share one group, so one batch runs at a time with the whole worker pool and the others
// wait 'queued'; queued jobs outlive the process (the studio start runs them again, see
// registry/job-kinds.ts). A run (run-job.ts) records every file as it finishes; the runner records
// the job's end, with the run's time and totals as its stored result. Pause answers once every
// pool worker has stopped at its checkpoint.
import type { Catalog, JobRecord } from '../catalog/index.js';
import { heldElsewhere, isHeldElsewhere } from '../catalog/repos/jobs.js';
import { batchRequest, type BatchRequest, type BatchStarted, type BatchSummary } from '../contract/batch.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { declareJob, type JobDeclaration } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { BATCH_JOB_KINDS, normalizeRequest, outputKey, storedOutputKey, type BatchJobInput } from './job-input.js';
import { findUnfinished, notInCatalog } from './job-record.js';
import { BatchRun } from './run-job.js';
import { batchSummary, finishedEvent, storedResult } from './summary.js';

type BatchJobKind = 'batch.compress' | 'batch.decompress';

/**
 * The runs in progress in a studio, by job: their live time and worker count go into getBatch.
 * Not a studio resource: a run still ends (and is read here) while the studio closes.
 */
const runsByStudio = new WeakMap<CoreContext, Map<number, BatchRun>>();
function liveRuns(ctx: CoreContext): Map<number, BatchRun> {
  let runs = runsByStudio.get(ctx);
  if (!runs) runsByStudio.set(ctx, (runs = new Map()));
  return runs;
}

function declareBatch<K extends BatchJobKind>(kind: K): JobDeclaration<K, BatchRequest, Awaited<BatchRun['result']>> {
  return declareJob({
    kind,
    label: 'batch',
    input: batchRequest,
    group: 'batch',
    pauseRefusal: () => undefined,
    // Refused when another live studio runs the same outputs as another job (see claim).
    sameWork: (input) => {
      const key = outputKey(normalizeRequest(input));
      return (other: JobRecord) => storedOutputKey(other) === key;
    },
    run(run) {
      const work = new BatchRun({
        ctx: run.ctx,
        catalog: run.catalog,
        jobId: run.jobId,
        before: run.before,
        input: normalizeRequest(run.input),
        progress: (p) => run.progress(p),
        stopping: run.stopping,
      });
      liveRuns(run.ctx).set(run.jobId, work);
      return work;
    },
    end(run, end) {
      const runs = liveRuns(run.ctx);
      const work = runs.get(run.jobId);
      runs.delete(run.jobId);
      const state = end.ok ? end.value.state : end.state;
      const error = end.ok ? end.value.error : end.error;
      // A job cancelled while it waited ran nothing here: it keeps what its earlier runs stored.
      const stored = work ? work.storedResult(storedResult(run.before)) : storedResult(run.before);
      // The summary as the job row will read once the runner has recorded this end.
      const job = run.catalog.jobs.require(run.jobId);
      const summary = batchSummary(run.catalog, { ...job, state, error: error ?? null, ...(stored ? { result: stored } : {}) });
      return { state, ...(stored ? { stored } : {}), ...(error ? { error } : {}), finished: finishedEvent(summary), result: summary };
    },
    stored: (catalog, job) => batchSummary(catalog, job),
  });
}

export const batchCompressJob = declareBatch('batch.compress');
export const batchDecompressJob = declareBatch('batch.decompress');

const declOf = (input: BatchJobInput) => (input.kind === 'compress' ? batchCompressJob : batchDecompressJob);

/** The studio's batch jobs, on its job runner. */
export function batchQueue(ctx: CoreContext) {
  const runner = jobRunner(ctx);
  const catalog: Catalog = runner.catalogOf();
  const started = (jobId: number, input: BatchJobInput, resumed: boolean): BatchStarted => ({
    jobId,
    kind: input.kind,
    state: catalog.jobs.require(jobId).state,
    resumed,
  });
  return {
    /** Queues a batch job (running it at once when no other runs), or continues the same unfinished one. */
    async start(req: BatchRequest): Promise<BatchStarted> {
      const input = normalizeRequest(req);
      check(catalog, input);
      // The same outputs held by another live studio on this home: running them twice only races
      // for the same files, so say so (fresh or not) instead of starting a duplicate.
      const live = findHeldElsewhere(catalog, input);
      if (live) throw new StudioError('conflict', heldElsewhere(live));
      if (!req.fresh) {
        const prior = findUnfinished(catalog, input);
        if (prior) {
          await runner.resume(declOf(input), prior.id);
          return started(prior.id, input, true);
        }
      }
      const { jobId } = runner.start(declOf(input), input);
      return started(jobId, input, false);
    },

    /** The summary so far, with the live time and workers of a run in progress here. */
    summary(jobId: number): BatchSummary {
      const job = catalog.jobs.require(jobId);
      const run = liveRuns(ctx).get(jobId);
      return batchSummary(catalog, job, run ? { seconds: run.seconds(), workers: run.workerCount } : undefined);
    },
  };
}

function check(catalog: Catalog, input: BatchJobInput): void {
  if (input.kind === 'compress' && !catalog.models.get(input.modelId ?? '')) throw notInCatalog(input.modelId);
  if (input.kind === 'decompress' && (input.modelId !== undefined || input.quality !== undefined)) {
    throw new StudioError('bad-request', 'decompress takes no model or quality: each .latent file names its model');
  }
}

function findHeldElsewhere(catalog: Catalog, input: BatchJobInput): JobRecord | undefined {
  const key = outputKey(input);
  return catalog.jobs.list({ kind: BATCH_JOB_KINDS[input.kind], limit: 200 }).find((j) => isHeldElsewhere(j) && storedOutputKey(j) === key);
}
