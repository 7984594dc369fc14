// The evaluation job kind ('eval', progress = encodings, unit = one measured image): resolves the
// request (model, dataset split or paths) into a job whose input holds everything a later process
// needs, and declares it for the generic runner (jobs/runner.ts). The sweep runs in a worker; the
// host records each measured image as a job item as its result arrives (so cancel, a crash or a
// restart loses nothing and resume skips it), and at the end builds the curves and BD-rates and
// stores the evaluation in the same process.
import path from 'node:path';
import { z } from 'zod';
import type { Catalog, ModelRecord } from '../catalog/index.js';
import { collectFiles } from '../catalog/import/collect-files.js';
import { calibrationSource } from '../engine/model-resolver.js';
import type { EvalFailure, EvalFinished, EvalStarted, EvaluationResult, ImageEvaluation } from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { declareJob } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { startWorkerTask } from '../workers/host.js';
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
  /** Where the split is empty, measure on the next non-empty one (val, test, train). */
  splitFallback?: boolean;
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

/** The splits a fallback request tries after the one it names, best held-out first. */
const SPLIT_FALLBACK = ['val', 'test', 'train'] as const;

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
    const wanted = req.split ?? 'test';
    // A verdict on a tiny dataset (no validation images) is measured on what it has, and says so.
    const order = req.splitFallback && wanted !== 'all' ? [wanted, ...SPLIT_FALLBACK.filter((s) => s !== wanted)] : [wanted];
    let recs: ReturnType<typeof catalog.images.forDataset> = [];
    for (const s of order) {
      split = s;
      recs = catalog.images.forDataset(ds.id, s === 'all' ? undefined : s);
      if (recs.length > 0) break;
    }
    if (recs.length === 0)
      throw new StudioError(
        'bad-request',
        `dataset ${ds.name} has no ${wanted === 'all' || order.length > 1 ? '' : `${wanted} `}images to evaluate on`,
      );
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

const split = z.enum(['train', 'val', 'test', 'all']);
const codec = z.enum(CLASSICAL_CODEC_NAMES as [ClassicalCodec, ...ClassicalCodec[]]);
const modelRef = z.object({ id: z.string().min(1), name: z.string(), dir: z.string().min(1) }).strict();

/** The stored input, checked on every run (a job made by another version is refused in one line). */
const evalJobInput: z.ZodType<EvalJobInput> = z
  .object({
    modelId: z.string().min(1).nullable(),
    modelDir: z.string().min(1).nullable(),
    datasetId: z.number().int().nullable(),
    dataset: z.string().nullable(),
    split: split.nullable(),
    images: z.array(z.object({ path: z.string().min(1), imageId: z.number().int().optional() }).strict()),
    missing: z.array(z.object({ path: z.string(), error: z.string() }).strict()),
    latentQualities: z.array(z.number()),
    classical: z.array(z.object({ codec, qualities: z.array(z.number()) }).strict()),
    ssim: z.boolean(),
    name: z.string(),
    description: z.string(),
    decoderBytes: z.number().optional(),
    start: modelRef.optional(),
    maxPixels: z.number().int().positive().optional(),
  })
  .strict();

/** What the job row keeps as its result: the stored evaluation it made. */
interface EvalStored {
  evaluationId: number;
  images: number;
  failed: number;
}

/** The model's calibration source while it is still in the catalog (see calibrate.ts). */
function calibrationFor(ctx: CoreContext, catalog: Catalog, modelId: string): Pick<NonNullable<SweepTaskInput['model']>, 'calibration'> {
  const rec = catalog.models.get(modelId);
  return rec ? { calibration: calibrationSource(ctx, rec) } : {};
}

/** Builds the curves and BD-rates from the job's items and stores the evaluation. */
function saveFromItems(catalog: Catalog, jobId: number, input: EvalJobInput, seconds: number): EvaluationResult {
  const items = catalog.jobs.items(jobId);
  const byPath = new Map(items.filter((i) => i.outcome === 'done').map((i) => [i.key, i.data as ImageEvaluation]));
  const perImage = input.images.map((i) => byPath.get(i.path)).filter((r): r is ImageEvaluation => r !== undefined);
  const failed: EvalFailure[] = [
    ...input.missing,
    ...items.filter((i) => i.outcome === 'failed').map((i) => ({ path: i.key, error: i.message ?? 'failed' })),
  ];
  return saveEvaluation(
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
      seconds,
    },
    perImage,
    failed,
  );
}

/** When each run began (its evaluation's seconds are this run's). */
const runStarts = new WeakMap<object, number>();

export const evalJob = declareJob({
  kind: 'eval',
  label: 'evaluation',
  input: evalJobInput,
  run(run) {
    const { catalog, jobId, input } = run;
    runStarts.set(run, Date.now());
    const task: SweepTaskInput = {
      jobId,
      ...(input.modelId && input.modelDir
        ? { model: { id: input.modelId, dir: input.modelDir, ...calibrationFor(run.ctx, catalog, input.modelId) } }
        : {}),
      ...(input.start ? { start: { id: input.start.id, dir: input.start.dir } } : {}),
      images: input.images,
      skip: [...catalog.jobs.finishedKeys(jobId)],
      latentQualities: input.latentQualities,
      classical: input.classical,
      ssim: input.ssim,
      ...(input.maxPixels !== undefined ? { maxPixels: input.maxPixels } : {}),
    };
    return startWorkerTask(sweepTask, task, {
      onProgress: (p) => {
        if (p.kind === 'step') {
          const { kind: _step, ...step } = p;
          run.progress({ jobId, ...step });
        } else if (p.kind === 'image') catalog.jobs.recordItem(jobId, { key: p.result.path, outcome: 'done', data: p.result });
        else catalog.jobs.recordItem(jobId, { key: p.path, outcome: 'failed', message: p.error });
      },
    });
  },
  end(run, end) {
    const { jobId } = run;
    if (!end.ok) return { state: end.state, error: end.error, finished: { jobId, state: end.state, error: end.error } };
    const seconds = (Date.now() - (runStarts.get(run) ?? Date.now())) / 1000;
    const result = saveFromItems(run.catalog, jobId, run.input, seconds);
    const stored: EvalStored = { evaluationId: result.id, images: result.images, failed: result.failed.length };
    const finished: EvalFinished = { jobId, state: 'done', evaluationId: result.id };
    return { state: 'done', stored, finished, result };
  },
  stored(catalog, job) {
    const id = (job.result as Partial<EvalStored> | null)?.evaluationId;
    return job.state === 'done' && typeof id === 'number' ? loadEvaluation(catalog, id) : undefined;
  },
});

/** Starting an evaluation job, and its result for the code-size sweep (the rest is the generic job methods). */
export function evalJobs(ctx: CoreContext) {
  const runner = jobRunner(ctx);
  const catalog = runner.catalogOf();
  return {
    async start(req: EvalRequest): Promise<EvalStarted> {
      const input: EvalJobInput = { ...(await resolveEvalRequest(catalog, req)), maxPixels: await pixelLimit(ctx.home) };
      const { jobId } = runner.start(evalJob, input, input.images.length);
      return { jobId, total: input.images.length };
    },
    /** The evaluation when the job ends here, or the stored one; a job that did not finish throws why. */
    async wait(jobId: number): Promise<EvaluationResult> {
      const o = await runner.wait(evalJob, jobId);
      if (o.state === 'done' && o.result) return o.result as EvaluationResult;
      const why = `evaluation job ${jobId} is ${o.state}${o.error ? ` (${o.error})` : ''}; resumeJob continues it`;
      throw new StudioError(o.state === 'cancelled' ? 'cancelled' : o.state === 'failed' ? 'internal' : 'conflict', why);
    },
  };
}

/** Display name of an image path relative to a common folder (CLI tables). */
export function shortName(p: string): string {
  return path.basename(p);
}
