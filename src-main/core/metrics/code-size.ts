// The code-size sweep for analysts (job kind 'eval.codesize', unit = one code size): train one
// model per code size, everything else equal (same dataset, architecture, layers, epochs, seed),
// evaluate each on the same images, and put their curves and BD-rates on one table with training
// time and model size beside them. Its declaration for the generic runner runs in the host: it
// starts the engine's training jobs and our evaluation jobs (each in its own worker) one after the
// other (two cores: side by side would only slow both). The classical codecs are measured once,
// with the first model, on the same images. Each finished code size is recorded by this host as a
// job item (its row and curves), so a resumed sweep skips it.
import { z } from 'zod';
import type { Catalog } from '../catalog/index.js';
import { TrainRequest } from '../contract/engine.js';
import type {
  ClassicalCodecName,
  CodecCurve,
  CodeSizeFinished,
  CodeSizeProgress,
  CodeSizeRow,
  CodeSizeSweepResult,
  EvalStarted,
} from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { trainJob, trainJobs } from '../engine/train-jobs.js';
import { declareJob, type JobRun, type JobWork } from '../jobs/declaration.js';
import { jobRunner } from '../jobs/runner.js';
import { CLASSICAL_CODEC_NAMES, type ClassicalCodec } from './codecs.js';
import { bdNumber, bdRates } from './curves.js';
import { decoderBytesOf, evalJob, evalJobs } from './eval-jobs.js';
import { setBdRate } from './store.js';

export const CODE_SIZE_JOB_KIND = 'eval.codesize';

export interface CodeSizeRequest {
  dataset: string;
  codeSizes: number[];
  train?: Omit<TrainRequest, 'dataset' | 'name' | 'codeSize' | 'codeChannels'>;
  split?: 'train' | 'val' | 'test' | 'all';
  codecs?: ClassicalCodec[];
  qualities?: number[];
  classicalQualities?: Partial<Record<ClassicalCodec, number[]>>;
  maxImages?: number;
}

/** The request as one model's training: dense models take codeSize, conv models codeChannels. */
export function trainRequestFor(req: CodeSizeRequest, codeSize: number): TrainRequest {
  return {
    ...req.train,
    dataset: req.dataset,
    name: `${req.dataset} code ${codeSize}`,
    codeSize,
    ...(codeSize <= 256 ? { codeChannels: codeSize } : {}),
  };
}

function emptyRow(codeSize: number): CodeSizeRow {
  return {
    codeSize,
    model: null,
    curve: null,
    evaluationId: null,
    trainSeconds: null,
    epochs: null,
    valPsnr: null,
    modelBytes: null,
    decoderBytes: null,
    parameters: null,
    bdRatePsnr: {},
    bdRateMsssim: {},
    bdRate: {},
  };
}

function modelFacts(catalog: Catalog, id: string): Pick<CodeSizeRow, 'modelBytes' | 'decoderBytes' | 'parameters'> {
  const rec = catalog.models.get(id);
  if (!rec) return { modelBytes: null, decoderBytes: null, parameters: null };
  const params = rec.card.params as { encoder?: number; decoder?: number } | undefined;
  return {
    modelBytes: rec.files.filter((f) => f.path.endsWith('.bin')).reduce((s, f) => s + f.bytes, 0),
    decoderBytes: decoderBytesOf(rec),
    parameters: params && typeof params.encoder === 'number' && typeof params.decoder === 'number' ? params.encoder + params.decoder : null,
  };
}

/** What a finished code size leaves in the job's items: enough to rebuild its row and curves. */
interface CodeSizeItem {
  row: CodeSizeRow;
  curve: CodecCurve;
  classical: Partial<Record<ClassicalCodecName, CodecCurve>>;
  images: number;
}

const itemKey = (codeSize: number) => `code ${codeSize}`;

const codec = z.enum(CLASSICAL_CODEC_NAMES as [ClassicalCodec, ...ClassicalCodec[]]);
const qualities = z.array(z.number().int());

/** The stored input (the request, its code sizes made unique), checked on every run. */
const codeSizeJobInput: z.ZodType<CodeSizeRequest> = z
  .object({
    dataset: z.string().min(1),
    codeSizes: z.array(z.number().int().positive()).min(1),
    train: TrainRequest.omit({ dataset: true, name: true, codeSize: true, codeChannels: true }).optional(),
    split: z.enum(['train', 'val', 'test', 'all']).optional(),
    codecs: z.array(codec).optional(),
    qualities: qualities.optional(),
    classicalQualities: z.object({ jpeg: qualities.optional(), webp: qualities.optional(), avif: qualities.optional() }).optional(),
    maxImages: z.number().int().positive().optional(),
  })
  .strict() as z.ZodType<CodeSizeRequest>;

/** The job of the step in progress (a training or an evaluation), which a cancel or a crash ends too. */
interface Step {
  job?: { kind: 'train' | 'eval'; id: number };
  /** Set once the sweep must stop: 'cancel' (or the studio closing) ends after the step, 'crash' at once. */
  stop?: 'cancel' | 'crash';
}

export const codeSizeJob = declareJob({
  kind: 'eval.codesize',
  label: 'code-size sweep',
  input: codeSizeJobInput,
  run(run): JobWork<CodeSizeSweepResult> {
    const step: Step = {};
    let crashed!: (err: Error) => void;
    // A crash ends the sweep at once, whatever its step awaits.
    const crash = new Promise<never>((_, reject) => (crashed = reject));
    crash.catch(() => {});
    const stopStep = (how: 'cancel' | 'terminate') => stopStepOf(run.ctx, step, how);
    return {
      result: Promise.race([sweep(run, step), crash]),
      cancel() {
        step.stop = 'cancel';
        // The studio closing stops every running job itself: the step stays resumable.
        if (run.stopping() !== 'close') stopStep('cancel');
      },
      async terminate() {
        step.stop = 'crash';
        stopStep('terminate');
        crashed(new StudioError('internal', `code-size sweep ${run.jobId} ended at once`));
      },
    };
  },
  end(run, end) {
    const { jobId } = run;
    if (!end.ok) return { state: end.state, error: end.error, finished: { jobId, state: end.state, error: end.error } };
    const result = end.value as CodeSizeSweepResult;
    const finished: CodeSizeFinished = { jobId, state: 'done' };
    return { state: 'done', stored: result, finished, result };
  },
  stored: (_catalog, job) => (job.state === 'done' && job.result ? (job.result as CodeSizeSweepResult) : undefined),
});

const stopped = () => new StudioError('cancelled', 'cancelled');

/** Cancels (after its unit) or ends at once (as a crash) the job of the step in progress. */
function stopStepOf(ctx: CoreContext, step: Step, how: 'cancel' | 'terminate'): void {
  const j = step.job;
  if (!j) return;
  const runner = jobRunner(ctx);
  const decl = j.kind === 'train' ? trainJob : evalJob;
  const done = how === 'cancel' ? runner.cancel(decl, j.id) : runner.terminate(decl, j.id);
  // It may have just ended: the loop sees `stop` before starting the next step.
  void done.catch(() => {});
}

/** The sweep itself, code size after code size, skipping those the job's items record. */
async function sweep(run: JobRun<'eval.codesize', CodeSizeRequest>, step: Step): Promise<CodeSizeSweepResult> {
  const { ctx, catalog, jobId, input: req } = run;
  // Events only after the start has handed the job id to the caller.
  await new Promise((r) => setImmediate(r));
  const say = (p: Omit<CodeSizeProgress, 'jobId' | 'count'>) => run.progress({ jobId, count: req.codeSizes.length, ...p });
  const started = Date.now();
  const rows: CodeSizeRow[] = [];
  const curves: Record<string, CodecCurve> = {};
  let classical: Partial<Record<ClassicalCodecName, CodecCurve>> | undefined;
  let images = 0;
  const prior = new Map(catalog.jobs.items(jobId, 'done').map((i) => [i.key, i.data as CodeSizeItem]));
  for (const [index, codeSize] of req.codeSizes.entries()) {
    if (step.stop) throw stopped();
    const saved = prior.get(itemKey(codeSize));
    if (saved) {
      rows.push(saved.row);
      if (saved.row.curve) curves[saved.row.curve] = saved.curve;
      classical ??= saved.classical;
      images = saved.images;
      say({ codeSize, index, phase: 'done' });
      continue;
    }
    const row = emptyRow(codeSize);
    rows.push(row);
    try {
      const trainId = trainJobs(ctx).start(trainRequestFor(req, codeSize));
      step.job = { kind: 'train', id: trainId };
      say({ codeSize, index, phase: 'train', trainJobId: trainId });
      const trained = await trainJobs(ctx).wait(trainId);
      step.job = undefined;
      Object.assign(
        row,
        { model: trained.model, trainSeconds: trained.seconds, epochs: trained.epochs, valPsnr: trained.valPsnr },
        modelFacts(catalog, trained.model),
      );
      if (step.stop) throw stopped();

      const ev = await evalJobs(ctx).start({
        model: trained.model,
        dataset: req.dataset,
        split: req.split ?? 'test',
        codecs: classical ? [] : (req.codecs ?? ['jpeg', 'webp', 'avif']),
        ...(req.qualities ? { qualities: req.qualities } : {}),
        ...(req.classicalQualities ? { classicalQualities: req.classicalQualities } : {}),
        ...(req.maxImages !== undefined ? { maxImages: req.maxImages } : {}),
        name: `code size ${codeSize} (${trained.model})`,
      });
      step.job = { kind: 'eval', id: ev.jobId };
      // Stopped while the evaluation was being planned: it must not run on by itself.
      if (step.stop) stopStepOf(ctx, step, step.stop === 'crash' ? 'terminate' : 'cancel');
      say({ codeSize, index, phase: 'eval', evalJobId: ev.jobId });
      const result = await evalJobs(ctx).wait(ev.jobId);
      step.job = undefined;
      if (step.stop === 'crash') throw stopped();
      images = result.images;
      if (!classical) {
        classical = {};
        for (const [c, curve] of Object.entries(result.curves)) if (c !== 'latent' && curve) classical[c as ClassicalCodecName] = curve;
      }
      const latent = result.curves.latent!;
      const key = `latent-${codeSize}`;
      curves[key] = { ...latent, label: `code size ${codeSize}` };
      const bd = bdRates({ ...classical, latent });
      row.curve = key;
      row.evaluationId = result.id;
      row.bdRate = bd;
      if (Object.keys(result.bdRate).length === 0) setBdRate(catalog, result.id, bd);
      for (const [c, pair] of Object.entries(bd)) {
        row.bdRatePsnr[c as ClassicalCodecName] = bdNumber(pair?.psnr);
        row.bdRateMsssim[c as ClassicalCodecName] = bdNumber(pair?.msssim);
      }
      const item: CodeSizeItem = { row, curve: curves[key]!, classical, images };
      catalog.jobs.recordItem(jobId, { key: itemKey(codeSize), outcome: 'done', data: item });
      say({ codeSize, index, phase: 'done' });
    } catch (err) {
      step.job = undefined;
      if (step.stop || (err instanceof StudioError && err.code === 'cancelled')) throw stopped();
      // One code size failing (e.g. too large for the data) leaves the others' results.
      row.error = err instanceof Error ? err.message : String(err);
      say({ codeSize, index, phase: 'failed', error: row.error });
    }
  }
  if (rows.every((r) => r.error))
    throw new StudioError('bad-request', `code-size sweep on ${req.dataset}: every model failed (${rows[0]?.error ?? ''})`);
  return {
    jobId,
    dataset: req.dataset,
    split: req.split ?? 'test',
    images,
    rows,
    curves: { ...curves, ...(classical as Record<string, CodecCurve>) },
    seconds: (Date.now() - started) / 1000,
  };
}

/** Starting a code-size sweep (the rest of its life is the generic job methods). */
export function codeSizeJobs(ctx: CoreContext) {
  const runner = jobRunner(ctx);
  const catalog: Catalog = runner.catalogOf();
  return {
    start(req: CodeSizeRequest): EvalStarted {
      if (!catalog.datasets.byName(req.dataset))
        throw new StudioError('not-found', `dataset ${req.dataset} is not in the catalog (see latent-studio datasets)`);
      const input: CodeSizeRequest = { ...req, codeSizes: [...new Set(req.codeSizes)] };
      const { jobId } = runner.start(codeSizeJob, input, input.codeSizes.length);
      return { jobId, total: input.codeSizes.length };
    },
  };
}
