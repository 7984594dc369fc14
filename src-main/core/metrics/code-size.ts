// The code-size sweep for analysts: train one model per code size, everything else equal (same
// dataset, architecture, layers, epochs, seed), evaluate each on the same images, and put their
// curves and BD-rates on one table with training time and model size beside them. Training and
// evaluation each run in their own worker (the engine's training jobs, our evaluation jobs); this
// orchestrates them one after the other (two cores: running them side by side would only slow
// both). The classical codecs are measured once, with the first model, on the same images.
// Each finished code size is a job item (its row and curves), so a resumed sweep skips it.
import { getCatalog, type Catalog } from '../catalog/index.js';
import type { TrainRequest } from '../contract/engine.js';
import type { ClassicalCodecName, CodecCurve, CodeSizeFinished, CodeSizeProgress, CodeSizeRow, CodeSizeSweepResult, EvalStarted } from '../contract/eval.js';
import { StudioError } from '../contract/errors.js';
import type { CoreContext } from '../context.js';
import { trainJobs } from '../engine/train-jobs.js';
import type { ClassicalCodec } from './codecs.js';
import { bdNumber, bdRates } from './curves.js';
import { decoderBytesOf, evalJobs } from './eval-jobs.js';
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

interface Running {
  finished: Promise<CodeSizeSweepResult>;
  cancelled: boolean;
  current: { train?: number; evalJob?: number };
}

export class CodeSizeJobs {
  private readonly running = new Map<number, Running>();
  private readonly catalog: Catalog;

  constructor(private readonly ctx: CoreContext) {
    this.catalog = getCatalog(ctx);
  }

  start(req: CodeSizeRequest): EvalStarted {
    if (!this.catalog.datasets.byName(req.dataset))
      throw new StudioError('not-found', `dataset ${req.dataset} is not in the catalog (see latent-studio datasets)`);
    const sizes = [...new Set(req.codeSizes)];
    const job = this.catalog.jobs.create({ kind: CODE_SIZE_JOB_KIND, input: { ...req, codeSizes: sizes }, total: sizes.length });
    return this.launch(job.id, { ...req, codeSizes: sizes });
  }

  /** Continues a stopped sweep: code sizes already trained and evaluated are not redone. */
  resume(jobId: number): EvalStarted {
    if (this.running.has(jobId)) throw new StudioError('conflict', `code-size sweep ${jobId} is already running`);
    const job = this.catalog.jobs.require(jobId);
    if (job.kind !== CODE_SIZE_JOB_KIND) throw new StudioError('bad-request', `job ${jobId} is a ${job.kind} job, not a code-size sweep`);
    return this.launch(jobId, job.input as CodeSizeRequest);
  }

  private launch(jobId: number, req: CodeSizeRequest): EvalStarted {
    this.catalog.jobs.claim(jobId);
    this.ctx.emit('jobState', { jobId, kind: 'eval.codesize', state: 'running' });
    const state: Running = { cancelled: false, current: {}, finished: Promise.resolve(null as unknown as CodeSizeSweepResult) };
    this.running.set(jobId, state);
    state.finished = this.run(jobId, req, state);
    state.finished.catch(() => {});
    return { jobId, total: req.codeSizes.length };
  }

  async wait(jobId: number): Promise<CodeSizeSweepResult> {
    const r = this.running.get(jobId);
    if (r) return r.finished;
    const job = this.catalog.jobs.require(jobId);
    if (job.kind !== CODE_SIZE_JOB_KIND) throw new StudioError('bad-request', `job ${jobId} is a ${job.kind} job, not a code-size sweep`);
    if (job.state === 'done' && job.result) return job.result as CodeSizeSweepResult;
    throw new StudioError(
      job.state === 'cancelled' ? 'cancelled' : 'bad-request',
      `code-size sweep ${jobId} is ${job.state}${job.error ? ` (${job.error})` : ''}`,
    );
  }

  cancel(jobId: number): boolean {
    const r = this.running.get(jobId);
    if (!r) return false;
    r.cancelled = true;
    try {
      if (r.current.train !== undefined) void trainJobs(this.ctx).cancel(r.current.train).catch(() => {});
      if (r.current.evalJob !== undefined) evalJobs(this.ctx).cancel(r.current.evalJob);
    } catch {
      // it had just finished; the loop sees `cancelled` before starting the next step
    }
    return true;
  }

  async dispose(): Promise<void> {
    for (const id of this.running.keys()) this.cancel(id);
    await Promise.allSettled([...this.running.values()].map((r) => r.finished));
  }

  private async run(jobId: number, req: CodeSizeRequest, state: Running): Promise<CodeSizeSweepResult> {
    // Events only after start() has handed the job id to the caller.
    await new Promise((r) => setImmediate(r));
    const started = Date.now();
    const rows: CodeSizeRow[] = [];
    const curves: Record<string, CodecCurve> = {};
    let classical: Partial<Record<ClassicalCodecName, CodecCurve>> | undefined;
    let images = 0;
    const count = req.codeSizes.length;
    const prior = new Map(this.catalog.jobs.items(jobId, 'done').map((i) => [i.key, i.data as CodeSizeItem]));
    try {
      for (const [index, codeSize] of req.codeSizes.entries()) {
        if (state.cancelled) throw new StudioError('cancelled', 'cancelled');
        const saved = prior.get(itemKey(codeSize));
        if (saved) {
          rows.push(saved.row);
          if (saved.row.curve) curves[saved.row.curve] = saved.curve;
          classical ??= saved.classical;
          images = saved.images;
          this.say({ jobId, codeSize, index, count, phase: 'done' });
          continue;
        }
        const row = emptyRow(codeSize);
        rows.push(row);
        try {
          const trainJob = trainJobs(this.ctx).start(trainRequestFor(req, codeSize));
          state.current = { train: trainJob };
          this.say({ jobId, codeSize, index, count, phase: 'train', trainJobId: trainJob });
          const trained = await trainJobs(this.ctx).wait(trainJob);
          Object.assign(
            row,
            { model: trained.model, trainSeconds: trained.seconds, epochs: trained.epochs, valPsnr: trained.valPsnr },
            modelFacts(this.catalog, trained.model),
          );
          if (state.cancelled) throw new StudioError('cancelled', 'cancelled');

          const ev = await evalJobs(this.ctx).start({
            model: trained.model,
            dataset: req.dataset,
            split: req.split ?? 'test',
            codecs: classical ? [] : (req.codecs ?? ['jpeg', 'webp', 'avif']),
            ...(req.qualities ? { qualities: req.qualities } : {}),
            ...(req.classicalQualities ? { classicalQualities: req.classicalQualities } : {}),
            ...(req.maxImages !== undefined ? { maxImages: req.maxImages } : {}),
            name: `code size ${codeSize} (${trained.model})`,
          });
          state.current = { evalJob: ev.jobId };
          this.say({ jobId, codeSize, index, count, phase: 'eval', evalJobId: ev.jobId });
          const result = await evalJobs(this.ctx).wait(ev.jobId);
          state.current = {};
          images = result.images;
          if (!classical) {
            classical = {};
            for (const [codec, c] of Object.entries(result.curves)) if (codec !== 'latent' && c) classical[codec as ClassicalCodecName] = c;
          }
          const latent = result.curves.latent!;
          const key = `latent-${codeSize}`;
          curves[key] = { ...latent, label: `code size ${codeSize}` };
          const bd = bdRates({ ...classical, latent });
          row.curve = key;
          row.evaluationId = result.id;
          row.bdRate = bd;
          if (Object.keys(result.bdRate).length === 0) setBdRate(this.catalog, result.id, bd);
          for (const [codec, pair] of Object.entries(bd)) {
            row.bdRatePsnr[codec as ClassicalCodecName] = bdNumber(pair?.psnr);
            row.bdRateMsssim[codec as ClassicalCodecName] = bdNumber(pair?.msssim);
          }
          const item: CodeSizeItem = { row, curve: curves[key]!, classical, images };
          this.catalog.jobs.recordItem(jobId, { key: itemKey(codeSize), outcome: 'done', data: item });
          this.say({ jobId, codeSize, index, count, phase: 'done' });
        } catch (err) {
          state.current = {};
          if (state.cancelled || (err instanceof StudioError && err.code === 'cancelled')) throw new StudioError('cancelled', 'cancelled');
          // One code size failing (e.g. too large for the data) leaves the others' results.
          row.error = err instanceof Error ? err.message : String(err);
          this.say({ jobId, codeSize, index, count, phase: 'failed', error: row.error });
        }
      }
      const result: CodeSizeSweepResult = {
        jobId,
        dataset: req.dataset,
        split: req.split ?? 'test',
        images,
        rows,
        curves: { ...curves, ...(classical as Record<string, CodecCurve>) },
        seconds: (Date.now() - started) / 1000,
      };
      if (rows.every((r) => r.error))
        throw new StudioError('bad-request', `code-size sweep on ${req.dataset}: every model failed (${rows[0]?.error ?? ''})`);
      this.end(jobId, { jobId, state: 'done' }, result);
      return result;
    } catch (err) {
      const cancelled = err instanceof StudioError && err.code === 'cancelled';
      const message = err instanceof Error ? err.message : String(err);
      this.end(jobId, { jobId, state: cancelled ? 'cancelled' : 'failed', error: message });
      throw err;
    }
  }

  private end(jobId: number, finished: CodeSizeFinished, result?: CodeSizeSweepResult): void {
    this.running.delete(jobId);
    this.catalog.jobs.finish(jobId, finished.state === 'done' ? 'done' : finished.state, {
      ...(result ? { result } : {}),
      ...(finished.error ? { error: finished.error } : {}),
    });
    this.ctx.emit('jobState', { jobId, kind: 'eval.codesize', state: finished.state });
    this.ctx.emit('codeSizeFinished', finished);
    this.ctx.emit('jobFinished', { jobId, kind: 'eval.codesize', payload: finished });
  }

  /** Progress, as jobProgress and (until the renderer drops it) codeSizeProgress. */
  private say(p: CodeSizeProgress): void {
    this.ctx.emit('codeSizeProgress', p);
    this.ctx.emit('jobProgress', { jobId: p.jobId, kind: 'eval.codesize', payload: p });
  }
}

export function codeSizeJobs(ctx: CoreContext): CodeSizeJobs {
  return ctx.resource(
    'metrics.codeSizeJobs',
    () => new CodeSizeJobs(ctx),
    (jobs) => jobs.dispose(),
  );
}
