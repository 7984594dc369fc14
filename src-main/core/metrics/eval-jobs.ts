// Runs evaluation jobs for one studio: resolves the request (model, dataset split or paths) into a
// job stored in the catalog, runs the sweep in a worker, relays evalProgress events, records each
// measured image as a job item (so cancel, a crash or a restart loses nothing and resume skips it),
// and at the end builds the curves and BD-rates and stores the evaluation.
import path from 'node:path';
import type { Catalog, ModelRecord } from '../catalog/index.js';
import { getCatalog } from '../catalog/index.js';
import { collectFiles } from '../catalog/import/collect-files.js';
import type { CalibrationSource } from '../codec/calibrate.js';
import { calibrationSource } from '../codec/handlers.js';
import type { EvalFailure, EvalFinished, EvalProgress, EvalStarted, EvaluationResult, ImageEvaluation } from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { startWorkerTask, type WorkerHandle } from '../workers/host.js';
import { sweepTask } from './tasks/index.js';
import { CLASSICAL_CODEC_NAMES, CLASSICAL_CODECS, type ClassicalCodec } from './codecs.js';
import { loadEvaluation, saveEvaluation } from './store.js';
import { DEFAULT_LATENT_QUALITIES, type SweepTaskInput } from './sweep.js';
import { pixelLimit } from '../settings/pixel-limit.js';

export const EVAL_JOB_KIND = 'eval';

export interface EvalRequest {
  model?: string;
  dataset?: string;
  split?: 'train' | 'val' | 'test' | 'all';
  paths?: string[];
  codecs?: ClassicalCodec[];
  qualities?: number[];
  classicalQualities?: Partial<Record<ClassicalCodec, number[]>>;
  maxImages?: number;
  ssim?: boolean;
  withStart?: boolean;
  name?: string;
  description?: string;
}

/** What the catalog keeps as the job's input: everything needed to run or resume it. */
export interface EvalJobInput {
  modelId: string | null;
  modelDir: string | null;
  datasetId: number | null;
  dataset: string | null;
  split: EvaluationResult['split'];
  images: Array<{ path: string; imageId?: number }>;
  missing: EvalFailure[];
  latentQualities: number[];
  classical: Array<{ codec: ClassicalCodec; qualities: number[] }>;
  ssim: boolean;
  name: string;
  description: string;
  decoderBytes?: number;
  /** The model a fine-tuned model started from, measured beside it. */
  start?: { id: string; name: string; dir: string };
  /** Largest image read (the studio's "Largest image" when the job started; absent: DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

/**
 * Bytes a receiver needs to decode: the card's decoderBytes when the engine records it, else the
 * weight files (.bin) under decoder/, else every weight file of the model (an upper bound).
 */
export function decoderBytesOf(model: ModelRecord): number {
  const fromCard = model.card.decoderBytes;
  if (typeof fromCard === 'number' && fromCard > 0) return fromCard;
  const decoder = model.files.filter((f) => f.path.startsWith('decoder/') && f.path.endsWith('.bin'));
  if (decoder.length > 0) return decoder.reduce((s, f) => s + f.bytes, 0);
  return model.files.filter((f) => f.path.endsWith('.bin')).reduce((s, f) => s + f.bytes, 0);
}

function sortedUnique(q: number[]): number[] {
  return [...new Set(q)].sort((a, b) => a - b);
}

export async function resolveEvalRequest(catalog: Catalog, req: EvalRequest): Promise<EvalJobInput> {
  let model: ModelRecord | undefined;
  if (req.model !== undefined) {
    model = catalog.models.get(req.model);
    if (!model) throw new StudioError('not-found', `model ${req.model} is not in the catalog (see latent-studio models)`);
  }
  let images: EvalJobInput['images'];
  let missing: EvalFailure[] = [];
  let datasetId: number | null = null;
  let dataset: string | null = null;
  let split: EvalJobInput['split'] = null;
  if (req.dataset !== undefined) {
    const ds = catalog.datasets.byName(req.dataset);
    if (!ds) throw new StudioError('not-found', `dataset ${req.dataset} is not in the catalog (see latent-studio datasets)`);
    split = req.split ?? 'test';
    const recs = catalog.images.forDataset(ds.id, split === 'all' ? undefined : split);
    if (recs.length === 0)
      throw new StudioError('bad-request', `dataset ${ds.name} has no ${split === 'all' ? '' : `${split} `}images to evaluate on`);
    images = recs.map((r) => ({ path: r.path, imageId: r.id }));
    datasetId = ds.id;
    dataset = ds.name;
  } else {
    const found = await collectFiles(req.paths ?? []);
    missing = found.missing;
    images = found.files.map((p) => ({ path: p }));
    if (images.length === 0) throw new StudioError('bad-request', missing[0]?.error ?? 'no image files found in the given paths');
  }
  if (req.maxImages !== undefined) images = images.slice(0, req.maxImages);
  const startId = (model?.card as { startedFrom?: { id?: string } } | undefined)?.startedFrom?.id;
  const start = req.withStart !== false && startId ? catalog.models.get(startId) : undefined;
  const codecs = req.codecs ?? CLASSICAL_CODEC_NAMES;
  const classical = codecs.map((codec) => ({
    codec,
    qualities: sortedUnique(req.classicalQualities?.[codec] ?? [...CLASSICAL_CODECS[codec].sweep]),
  }));
  if (!model && classical.length === 0) throw new StudioError('bad-request', 'nothing to evaluate: give a model or some codecs');
  const what = model ? `model ${model.id}` : codecs.join(', ');
  const on = dataset ? `${dataset} (${split})` : `${images.length} file${images.length === 1 ? '' : 's'}`;
  return {
    modelId: model?.id ?? null,
    modelDir: model?.dir ?? null,
    datasetId,
    dataset,
    split,
    images,
    missing,
    latentQualities: model ? sortedUnique(req.qualities ?? DEFAULT_LATENT_QUALITIES) : [],
    classical,
    ssim: req.ssim ?? false,
    name: req.name ?? `${what} on ${on}`,
    description: req.description ?? '',
    ...(model ? { decoderBytes: decoderBytesOf(model) } : {}),
    ...(start ? { start: { id: start.id, name: start.name, dir: start.dir } } : {}),
  };
}

function inputOf(catalog: Catalog, jobId: number): EvalJobInput {
  const job = catalog.jobs.require(jobId);
  if (job.kind !== EVAL_JOB_KIND) throw new StudioError('bad-request', `job ${jobId} is a ${job.kind} job, not an evaluation`);
  return job.input as EvalJobInput;
}

interface Running {
  handle: WorkerHandle<unknown>;
  finished: Promise<EvaluationResult>;
}

export class EvalJobs {
  private readonly running = new Map<number, Running>();
  private closing = false;
  private readonly catalog: Catalog;

  constructor(private readonly ctx: CoreContext) {
    this.catalog = getCatalog(ctx);
  }

  async start(req: EvalRequest): Promise<EvalStarted> {
    const input: EvalJobInput = { ...(await resolveEvalRequest(this.catalog, req)), maxPixels: await pixelLimit(this.ctx.home) };
    const job = this.catalog.jobs.create({ kind: EVAL_JOB_KIND, input, total: input.images.length });
    this.run(job.id);
    return { jobId: job.id, total: input.images.length };
  }

  resume(jobId: number): EvalStarted {
    const input = inputOf(this.catalog, jobId);
    if (this.running.has(jobId)) throw new StudioError('conflict', `evaluation job ${jobId} is already running`);
    this.run(jobId);
    return { jobId, total: input.images.length };
  }

  async wait(jobId: number): Promise<EvaluationResult> {
    const r = this.running.get(jobId);
    if (r) return r.finished;
    inputOf(this.catalog, jobId);
    const job = this.catalog.jobs.require(jobId);
    const id = (job.result as { evaluationId?: number } | null)?.evaluationId;
    if (job.state === 'done' && id !== undefined) return loadEvaluation(this.catalog, id);
    if (job.state === 'running')
      throw new StudioError('conflict', `evaluation job ${jobId} is running in another process (${job.pid ?? '?'})`);
    throw new StudioError(
      job.state === 'cancelled' ? 'cancelled' : 'bad-request',
      `evaluation job ${jobId} is ${job.state}${job.error ? ` (${job.error})` : ''}; resumeEvaluation continues it`,
    );
  }

  cancel(jobId: number): boolean {
    const r = this.running.get(jobId);
    r?.handle.cancel();
    return r !== undefined;
  }

  async dispose(): Promise<void> {
    this.closing = true;
    const all = [...this.running.values()];
    for (const r of all) r.handle.cancel();
    await Promise.allSettled(all.map((r) => r.finished));
  }

  /** The model's calibration source while it is still in the catalog (see calibrate.ts). */
  private calibrationFor(modelId: string): { calibration?: CalibrationSource } {
    const rec = this.catalog.models.get(modelId);
    return rec ? { calibration: calibrationSource(this.ctx, rec) } : {};
  }

  /** The end, as the generic job events and (until the renderer drops it) evalFinished. */
  private emitFinished(f: EvalFinished): void {
    this.ctx.emit('jobState', { jobId: f.jobId, kind: 'eval', state: f.state });
    this.ctx.emit('evalFinished', f);
    this.ctx.emit('jobFinished', { jobId: f.jobId, kind: 'eval', payload: f });
  }

  private run(jobId: number): void {
    const catalog = this.catalog;
    const job = catalog.jobs.claim(jobId);
    this.ctx.emit('jobState', { jobId, kind: 'eval', state: 'running' });
    const input = job.input as EvalJobInput;
    const started = Date.now();
    const skip = [...catalog.jobs.finishedKeys(jobId)];
    const task: SweepTaskInput = {
      jobId,
      ...(input.modelId && input.modelDir
        ? { model: { id: input.modelId, dir: input.modelDir, ...this.calibrationFor(input.modelId) } }
        : {}),
      ...(input.start ? { start: { id: input.start.id, dir: input.start.dir } } : {}),
      images: input.images,
      skip,
      latentQualities: input.latentQualities,
      classical: input.classical,
      ssim: input.ssim,
      ...(input.maxPixels !== undefined ? { maxPixels: input.maxPixels } : {}),
    };
    const handle = startWorkerTask(sweepTask, task, {
      onProgress: (p) => {
        if (p.kind === 'step') {
          const payload: EvalProgress = {
            jobId,
            done: p.done,
            total: p.total,
            imagesDone: p.imagesDone,
            images: p.images,
            path: p.path,
            codec: p.codec,
            quality: p.quality,
          };
          this.ctx.emit('evalProgress', payload);
          this.ctx.emit('jobProgress', { jobId, kind: 'eval', payload });
        } else if (p.kind === 'image') {
          catalog.jobs.recordItem(jobId, { key: p.result.path, outcome: 'done', data: p.result });
        } else {
          catalog.jobs.recordItem(jobId, { key: p.path, outcome: 'failed', message: p.error });
        }
      },
    });
    // Drop the caught rejection of an unawaited wait(): the evalFinished event carries it.
    const finished = handle.result.then(
      () => this.finish(jobId, input, started),
      (err: unknown) => {
        const cancelled = err instanceof StudioError && err.code === 'cancelled';
        const state = cancelled ? (this.closing ? 'interrupted' : 'cancelled') : 'failed';
        const message = cancelled ? (this.closing ? 'the studio closed' : 'cancelled') : err instanceof Error ? err.message : String(err);
        this.running.delete(jobId);
        catalog.jobs.finish(jobId, state, { error: message });
        this.emitFinished({ jobId, state, error: message });
        throw cancelled ? new StudioError('cancelled', `evaluation job ${jobId} was ${state}; resumeEvaluation continues it`) : err;
      },
    );
    finished.catch(() => {});
    this.running.set(jobId, { handle, finished });
  }

  private finish(jobId: number, input: EvalJobInput, started: number): EvaluationResult {
    const catalog = this.catalog;
    this.running.delete(jobId);
    try {
      const items = catalog.jobs.items(jobId);
      const byPath = new Map(items.filter((i) => i.outcome === 'done').map((i) => [i.key, i.data as ImageEvaluation]));
      const perImage = input.images.map((i) => byPath.get(i.path)).filter((r): r is ImageEvaluation => r !== undefined);
      const failed: EvalFailure[] = [
        ...input.missing,
        ...items.filter((i) => i.outcome === 'failed').map((i) => ({ path: i.key, error: i.message ?? 'failed' })),
      ];
      const result = saveEvaluation(
        catalog,
        {
          modelId: input.modelId,
          datasetId: input.datasetId,
          dataset: input.dataset,
          split: input.split,
          jobId,
          name: input.name,
          description: input.description,
          ...(input.decoderBytes !== undefined ? { decoderBytes: input.decoderBytes } : {}),
          ...(input.start ? { start: { id: input.start.id, name: input.start.name } } : {}),
          seconds: (Date.now() - started) / 1000,
        },
        perImage,
        failed,
      );
      catalog.jobs.finish(jobId, 'done', { result: { evaluationId: result.id, images: result.images, failed: failed.length } });
      this.emitFinished({ jobId, state: 'done', evaluationId: result.id });
      return result;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      catalog.jobs.finish(jobId, 'failed', { error: message });
      this.emitFinished({ jobId, state: 'failed', error: message });
      throw err;
    }
  }
}

export function evalJobs(ctx: CoreContext): EvalJobs {
  return ctx.resource(
    'metrics.evalJobs',
    () => new EvalJobs(ctx),
    (jobs) => jobs.dispose(),
  );
}

/** Display name of an image path relative to a common folder (CLI tables). */
export function shortName(p: string): string {
  return path.basename(p);
}
