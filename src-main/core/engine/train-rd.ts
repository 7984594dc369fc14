// Rate-distortion training of a learned family: loss = lambda * 255^2 * D + bpp, where D is the
// MSE (or the seed's binary cross-entropy, for dense-prior) and bpp the sum of -log2 likelihoods
// of the noisy latents per pixel. Each step draws one lambda level (its gain vector and lambda),
// a batch of random crops with horizontal flips, computes gradients with tfjs autograd inside
// tf.tidy, clips their global norm and applies a fused Adam step. The schedule follows the budget
// (steps, or wall-clock minutes): linear warm-up, then the rate divided by 10 for the last 20 %.
// With workers > 1 the batch is split over model replicas in worker threads (parallel/), whose
// gradients are combined before the one Adam update; the weights they read live in shared memory.
import * as tf from '@tensorflow/tfjs';
import type { TaskIO } from '../workers/task.js';
import { FusedAdam } from './adam.js';
import { chooseBackend } from './backend.js';
import { ImageSource } from './data.js';
import type { ParamStore } from './models/layers/params.js';
import type { EntropyTables, LearnedImpl } from './models/learned.js';
import { familyMeta } from './models/families.js';
import { learnedImpl } from './models/registry.js';
import { DataParallelGradients } from './parallel/data-parallel.js';
import type { ReplicaView } from './parallel/replica-pool.js';
import type { FloatImage } from '../imaging/pixels.js';
import { crop, padReflect } from './float-image.js';
import { Mulberry32 } from './random.js';
import { bitsOf, pixelsOf } from './rd-step.js';

export type LearnedHyper = { arch: string; lambdas: number[] };

export interface RdTrainOptions {
  hyper: LearnedHyper;
  channels: 1 | 3;
  distortion: 'mse' | 'bce';
  trainFiles: string[];
  valFiles: string[];
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Budget: total steps, or wall-clock minutes (everything the run does counts; minutes win). */
  steps?: number;
  minutes?: number;
  /** Steps per reported, checkpointed epoch. */
  stepsPerEpoch: number;
  /** Linear warm-up steps (0 for none). */
  warmupSteps: number;
  /** Fraction of the budget after which the rate is divided by 10. */
  dropAt: number;
  clipNorm: number;
  /** Validation samples (centre crops, or whole small images). */
  valSamples: number;
  /** Model replicas, one per thread, each computing its share of every batch (default 1: this thread only). */
  workers?: number;
  /** Largest image read (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
}

export interface RdBatchProgress {
  kind: 'batch';
  epoch: number;
  batch: number;
  step: number;
  loss: number;
  bpp: number;
  psnr: number;
  level: number;
  /** How far the training is, 0-1: the time budget spent, or steps of all steps. */
  fraction: number;
  samplesPerSecond: number;
  etaSeconds: number | null;
}

export interface RdLevelPoint {
  lambda: number;
  bpp: number;
  psnr: number;
}

export interface RdEpochRecord {
  epoch: number;
  step: number;
  loss: number;
  bpp: number;
  psnr: number;
  /** Validation at every lambda level (rounded latents; rate from the entropy model). */
  val: RdLevelPoint[];
  samplesPerSecond: number;
  seconds: number;
  elapsedSeconds: number;
  learningRate: number;
}

export interface RdState {
  step: number;
  trainSeconds: number;
  /** The start weights' validation curve (fine-tunes), kept across resumes. */
  startVal?: RdLevelPoint[];
  rand: number;
  history: RdEpochRecord[];
  weights: Float32Array[];
  adam: ReturnType<FusedAdam['snapshot']>;
}

export interface RdHooks {
  from?: RdState;
  /** Starting weights (a base model's, in manifest order) when not resuming from a checkpoint. */
  init?: Float32Array[];
  /** Called once the parameters hold their starting values, before the first step. */
  onStart?: (params: ParamStore) => void;
  checkpoint?: (s: RdState) => Promise<void>;
  onBatch?: (p: RdBatchProgress) => void;
  onEpoch?: (
    e: RdEpochRecord,
    reconstructions: { original: FloatImage; reconstruction: FloatImage }[],
    params: ParamStore,
  ) => Promise<void> | void;
  /** Awaited after every step (after onBatch): the replicas, for inspection (tests, diagnostics). */
  onStep?: (step: number, replicas: ReplicaView) => Promise<void> | void;
}

export interface RdTrained {
  params: ParamStore;
  /** Started from given weights: their validation curve before the first step. */
  startVal?: RdLevelPoint[];
  tables: EntropyTables;
  history: RdEpochRecord[];
  backend: string;
  steps: number;
  trainSeconds: number;
  samplesPerSecond: number;
}

/** Learning rate at a point of the budget (progress in [0, 1]) and step. */
export function scheduledRate(base: number, progress: number, step: number, o: Pick<RdTrainOptions, 'warmupSteps' | 'dropAt'>): number {
  const warm = o.warmupSteps > 0 ? Math.min(1, (step + 1) / o.warmupSteps) : 1;
  return base * warm * (progress >= o.dropAt ? 0.1 : 1);
}

export class CropSampler {
  constructor(
    private readonly source: ImageSource,
    private readonly files: string[],
    private readonly edge: number,
    private readonly channels: number,
  ) {}

  /** A batch of random crops (uniform image, uniform position, horizontal flip with p = 1/2). */
  async batch(n: number, rand: () => number, onSkip: (file: string, reason: string) => void): Promise<Float32Array> {
    const s = this.edge;
    const c = this.channels;
    const out = new Float32Array(n * s * s * c);
    for (let i = 0; i < n; i++) {
      let img: FloatImage | undefined;
      for (let tries = 0; !img && tries < 8; tries++) {
        const f = this.files[Math.floor(rand() * this.files.length)]!;
        try {
          img = await this.source.load(f);
        } catch (err) {
          onSkip(f, (err as Error).message);
        }
      }
      if (!img) throw new Error('no readable training image');
      const src = img.width < s || img.height < s ? padReflect(img, Math.max(s, img.width), Math.max(s, img.height)) : img;
      const x0 = Math.floor(rand() * (src.width - s + 1));
      const y0 = Math.floor(rand() * (src.height - s + 1));
      const flip = rand() < 0.5;
      const part = crop(src, x0, y0, s, s).data;
      const base = i * s * s * c;
      if (!flip) out.set(part, base);
      else
        for (let y = 0; y < s; y++)
          for (let x = 0; x < s; x++) for (let k = 0; k < c; k++) out[base + (y * s + x) * c + k] = part[(y * s + (s - 1 - x)) * c + k]!;
    }
    return out;
  }
}

export async function trainRateDistortion(o: RdTrainOptions, io: TaskIO<unknown>, hooks: RdHooks = {}): Promise<RdTrained> {
  const { backend } = await chooseBackend();
  const meta = familyMeta(o.hyper.arch);
  if (!meta?.learned) throw new Error(`${o.hyper.arch} is not a learned family`);
  const impl: LearnedImpl<LearnedHyper> = learnedImpl(o.hyper.arch);
  const edge = meta.sampleEdge(o.hyper as never);
  const source = new ImageSource({
    channels: o.channels,
    size: edge,
    cropsPerImage: 1,
    ...(o.maxPixels !== undefined ? { maxPixels: o.maxPixels } : {}),
    signal: io.signal,
  });
  const sampler = new CropSampler(source, o.trainFiles, edge, o.channels);
  const params = impl.build(o.hyper, o.channels, o.seed);
  const from = hooks.from;
  if (from) params.setArrays(from.weights);
  else if (hooks.init) params.setArrays(hooks.init);
  hooks.onStart?.(params);
  const vars = params.variables();
  const rng = new Mulberry32(from ? from.rand : o.seed ^ 0x5bd1e995);
  const levels = o.hyper.lambdas.length;

  const valFiles = o.valFiles.length > 0 ? o.valFiles : o.trainFiles.slice(0, Math.max(1, Math.floor(o.trainFiles.length / 10)));
  const val = await source.fixedSamples(valFiles, o.valSamples);
  const valData = new Float32Array(val.length * val[0]!.length);
  val.forEach((s, i) => valData.set(s, i * s.length));
  const valShape = impl.batchShape(o.hyper, val.length, edge, o.channels);

  const history: RdEpochRecord[] = from ? [...from.history] : [];
  let step = from?.step ?? 0;
  let trainSeconds = from?.trainSeconds ?? 0;
  const budgetSeconds = o.minutes !== undefined ? o.minutes * 60 : undefined;
  const totalSteps = o.steps ?? Number.POSITIVE_INFINITY;
  // A minutes budget is wall-clock time (data, validation and checkpoints included), continued across resumes.
  const wallSeconds = () => elapsedBase + (performance.now() - started) / 1000;
  const progressOf = () => (budgetSeconds !== undefined ? wallSeconds() / budgetSeconds : step / totalSteps);
  const done = () => progressOf() >= 1;
  const skip = (file: string, reason: string) => io.progress({ kind: 'skipped', file, reason });

  const validate = () => {
    const points: RdLevelPoint[] = [];
    let recon: Float32Array | undefined;
    for (let level = 0; level < levels; level++) {
      const r = tf.tidy(() => {
        const x = tf.tensor(valData, valShape);
        const out = impl.forward(params, o.hyper, x, { training: false, level, noiseSeed: 0 });
        const xHat = tf.clipByValue(out.xHat, 0, 1);
        // PSNR of the 8-bit reconstruction, per sample then averaged (as the metrics do).
        const q = tf.div(tf.round(tf.mul(xHat, 255)), 255);
        const axes = valShape.slice(1).map((_, i) => i + 1);
        const mse = tf.mean(tf.squaredDifference(x, q), axes);
        const psnr = tf.mean(tf.mul(tf.log(tf.div(1, tf.maximum(mse, 1e-10))), 10 / Math.LN10));
        return {
          bpp: bitsOf(out.likelihoods).dataSync()[0]! / pixelsOf(valShape, o.channels),
          psnr: psnr.dataSync()[0]!,
          recon: level === levels - 1 ? (xHat.dataSync() as Float32Array) : undefined,
        };
      });
      points.push({ lambda: o.hyper.lambdas[level]!, bpp: r.bpp, psnr: r.psnr });
      if (r.recon) recon = r.recon;
    }
    return { points, recon: recon! };
  };

  const started = performance.now();
  const elapsedBase = from?.history.at(-1)?.elapsedSeconds ?? 0;
  const spec = { impl, hyper: o.hyper, channels: o.channels, distortion: o.distortion, edge };
  const workers = Math.max(1, Math.min(Math.floor(o.workers ?? 1), o.batchSize));
  // The helper replicas (workers - 1) build their models while the first batch loads.
  const gradients = new DataParallelGradients(spec, params, vars, workers, o.batchSize, o.seed);
  try {
    const storage = gradients.sharedWeights;
    const adam = new FusedAdam(vars, o.learningRate, storage ? { storage } : {});
    if (from) adam.restore(from.adam);
    // A fine-tune measures where it starts, on this data: what the training buys is the difference.
    const startVal = hooks.init && !from ? validate().points : from?.startVal;
    await gradients.ready();
    for (let epoch = history.length + 1; !done(); epoch++) {
      const epochStart = performance.now();
      let sum = { loss: 0, bpp: 0, psnr: 0, n: 0 };
      let lr = o.learningRate;
      for (let b = 0; b < o.stepsPerEpoch && !done(); b++) {
        await io.checkpoint();
        const level = Math.floor(rng.next() * levels);
        const data = await sampler.batch(o.batchSize, rng.next, skip);
        lr = scheduledRate(o.learningRate, progressOf(), step, o);
        adam.learningRate = lr;
        const t0 = performance.now();
        const noiseSeed = (o.seed * 100003 + step) % 2147483647;
        const grads = await gradients.compute(data, { level, noiseSeed });
        clipGlobalNorm(grads.grads, o.clipNorm);
        adam.apply(grads.grads);
        trainSeconds += (performance.now() - t0) / 1000;
        step++;
        const psnr = 10 * Math.log10(1 / Math.max(grads.mse, 1e-10));
        sum = { loss: sum.loss + grads.loss, bpp: sum.bpp + grads.bpp, psnr: sum.psnr + psnr, n: sum.n + 1 };
        const sps = (step * o.batchSize) / Math.max(trainSeconds, 1e-6);
        const left = budgetSeconds !== undefined ? budgetSeconds - wallSeconds() : ((totalSteps - step) * o.batchSize) / sps;
        hooks.onBatch?.({
          kind: 'batch',
          epoch,
          batch: b + 1,
          step,
          loss: grads.loss,
          bpp: grads.bpp,
          psnr,
          level,
          fraction: Math.min(1, progressOf()),
          samplesPerSecond: sps,
          etaSeconds: Number.isFinite(left) ? Math.max(0, left) : null,
        });
        await hooks.onStep?.(step, gradients);
      }
      // A pause asked during the epoch's last step holds here: nothing is reported while paused.
      await io.checkpoint();
      const { points, recon } = validate();
      const seconds = (performance.now() - epochStart) / 1000;
      const record: RdEpochRecord = {
        epoch,
        step,
        loss: sum.loss / Math.max(sum.n, 1),
        bpp: sum.bpp / Math.max(sum.n, 1),
        psnr: sum.psnr / Math.max(sum.n, 1),
        val: points,
        samplesPerSecond: (sum.n * o.batchSize) / Math.max(seconds, 1e-6),
        seconds,
        elapsedSeconds: wallSeconds(),
        learningRate: lr,
      };
      history.push(record);
      await hooks.checkpoint?.({
        step,
        trainSeconds,
        ...(startVal ? { startVal } : {}),
        rand: rng.state,
        history: [...history],
        weights: params.toArrays(),
        adam: adam.snapshot(),
      });
      const strip = Math.min(6, val.length);
      const size = val[0]!.length;
      const asImage = (d: Float32Array): FloatImage => ({ data: d, width: edge, height: edge, channels: o.channels });
      await hooks.onEpoch?.(
        record,
        Array.from({ length: strip }, (_, i) => ({
          original: asImage(val[i]!),
          reconstruction: asImage(recon.slice(i * size, (i + 1) * size)),
        })),
        params,
      );
    }
    const tables = impl.buildTables(params, o.hyper);
    return {
      params,
      ...(startVal ? { startVal } : {}),
      tables,
      history,
      backend,
      steps: step,
      trainSeconds,
      samplesPerSecond: (step * o.batchSize) / Math.max(trainSeconds, 1e-6),
    };
  } catch (err) {
    params.dispose();
    throw err;
  } finally {
    await gradients.close();
  }
}

/** Scales gradients in place so their global L2 norm is at most maxNorm (0: no clipping). */
export function clipGlobalNorm(grads: Float32Array[], maxNorm: number): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  const norm = Math.sqrt(sq);
  if (maxNorm > 0 && norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * k;
  }
  return norm;
}
