// The training job the Train view shows: live loss curves, rate, ETA and the latest validation
// reconstructions, kept outside the view so they survive switching views. A training on the
// training host (trainOnHost) is the same job seen through the host: its phases before and after
// (checking, uploading, training, fetching), then the host's training progress, both as the
// job's progress (kind train.remote). After a reload it follows the training still running.
import type { StudioClient } from '../../../src-main/core/api';
import type { TrainFinishedPayload, TrainProgressPayload, TrainRequest, TrainResult } from '../../../src-main/core/contract/engine';
import type { RemoteTrainProgress } from '../../../src-main/core/contract/jobs';
import { REMOTE_TRAIN_JOB_KIND, type TrainHostProgress } from '../../../src-main/core/contract/remote';
import type { Verdict } from '../../../src-main/core/contract/eval';
import type { RdPoint } from '../../../src-main/core/engine/model-card';
import { VERDICT_EVAL, verdictOfEvaluation, verdictRequest } from '../../../src-main/core/metrics/verdict';
import { familyMeta } from './families';
import { errorMessage } from './format';
import { JobSession } from './job-session.svelte';
import { studio } from './studio';

export interface EpochPoint {
  epoch: number;
  loss: number;
  valLoss: number | null;
  valPsnr: number | null;
  /** Learned families: training rate (bpp) and PSNR, validation rate, per-lambda validation, steps so far. */
  bpp?: number;
  psnr?: number;
  valBpp?: number;
  val?: RdPoint[];
  step?: number;
}

export type TrainStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';
export type HostPhase = TrainHostProgress['phase'];
/** The order a training on the host goes through. */
export const HOST_PHASES: readonly HostPhase[] = ['checking', 'uploading', 'training', 'fetching'];

export class TrainingSession {
  readonly #client: StudioClient;
  /** The training job: here (train) or on the training host (train.remote). */
  readonly #job: JobSession<'train' | 'train.remote'>;
  /** The evaluation that measures the trained model (the verdict). */
  readonly #verdictJob: JobSession<'eval'>;
  #request = $state.raw<TrainRequest | null>(null);
  /** The start call itself failed: there is no job. */
  #startFailed = $state(false);
  #epoch = $state(0);
  #epochs = $state(0);
  #batchLoss = $state<number | null>(null);
  #batchBpp = $state<number | null>(null);
  #batchPsnr = $state<number | null>(null);
  #batchStep = $state<number | null>(null);
  #samplesPerSecond = $state<number | null>(null);
  #etaSeconds = $state<number | null>(null);
  /** The trainer's own measure of how far it is (0-1) at its latest batch, and when that came. */
  #fraction = $state<number | null>(null);
  #fractionAt = $state<number | null>(null);
  #history = $state.raw<EpochPoint[]>([]);
  #strip = $state.raw<{ original: string; reconstruction: string }[]>([]);
  #skipped = $state.raw<{ file: string; reason: string }[]>([]);
  #result = $state.raw<TrainResult | null>(null);
  #error = $state<string | null>(null);
  #startedAt = $state<number | null>(null);
  #endedAt = $state<number | null>(null);
  #verdict = $state.raw<Verdict | null>(null);
  #verdictState = $state<'idle' | 'measuring' | 'done' | 'none'>('idle');
  #verdictImages = $state(0);
  #verdictNote = $state<string | null>(null);
  #attaching = false;
  /** Progress carried a rate (bpp): a learned family, also when the request left the family to the core. */
  #rateSeen = $state(false);
  #host = $state<string | null>(null);
  #hostPhase = $state.raw<TrainHostProgress | null>(null);
  #hostChecked = $state<number | null>(null);
  #hostUploaded = $state.raw<{ done: number; total: number; bytes: number } | null>(null);
  /** When the current phase began (the uploads' ETA counts from it). */
  #phaseSince = $state<number | null>(null);

  constructor(client: StudioClient) {
    this.#client = client;
    this.#job = new JobSession(client, ['train', REMOTE_TRAIN_JOB_KIND], {
      progress: (p) => this.#onProgress(p),
      finished: (p) => this.#onFinished(p),
    });
    this.#verdictJob = new JobSession(client, ['eval']);
  }

  get jobId(): number | null {
    return this.#job.jobId;
  }
  get request(): TrainRequest | null {
    return this.#request;
  }
  get status(): TrainStatus {
    if (this.#startFailed) return 'failed';
    const s = this.#job.state;
    if (s === 'starting' || s === 'queued') return 'starting';
    // Stopped by the studio's end (resumable): for this view, the training did not finish.
    return s === 'interrupted' ? 'failed' : s;
  }
  get epoch(): number {
    return this.#epoch;
  }
  get epochs(): number {
    return this.#epochs;
  }
  get batchLoss(): number | null {
    return this.#batchLoss;
  }
  /** Learned families: rate and distortion of the latest batch. */
  get batchBpp(): number | null {
    return this.#batchBpp;
  }
  get batchPsnr(): number | null {
    return this.#batchPsnr;
  }
  /** Learned families: steps so far, from the latest batch. */
  get batchStep(): number | null {
    return this.#batchStep;
  }
  get samplesPerSecond(): number | null {
    return this.#samplesPerSecond;
  }
  get history(): EpochPoint[] {
    return this.#history;
  }
  /** data: URLs of the latest validation originals and reconstructions. */
  get strip(): { original: string; reconstruction: string }[] {
    return this.#strip;
  }
  get skipped(): { file: string; reason: string }[] {
    return this.#skipped;
  }
  get result(): TrainResult | null {
    return this.#result;
  }
  get error(): string | null {
    return this.#error;
  }
  get startedAt(): number | null {
    return this.#startedAt;
  }
  /** When the job ended (done, failed or cancelled), so "elapsed" stops there. */
  get endedAt(): number | null {
    return this.#endedAt;
  }
  /** After a training: the model measured against JPEG, WebP and AVIF on its validation images. */
  get verdict(): Verdict | null {
    return this.#verdict;
  }
  get verdictState(): 'idle' | 'measuring' | 'done' | 'none' {
    return this.#verdictState;
  }
  get verdictProgress(): { done: number; total: number } | null {
    const p = this.#verdictJob.progress;
    return p ? { done: p.done, total: p.total } : null;
  }
  get verdictImages(): number {
    return this.#verdictImages;
  }
  /** Why there is no verdict (no validation images, or the measurement failed). */
  get verdictNote(): string | null {
    return this.#verdictNote;
  }
  /** The view re-attached to a training started before a reload (its curves start at the next epoch). */
  get reattached(): boolean {
    return this.#job.reattached;
  }
  /** The training host's address when the job trains there (trainOnHost), else null. */
  get host(): string | null {
    return this.#host;
  }
  /** The host's latest phase report (null until one came, e.g. right after a re-attach). */
  get hostPhase(): TrainHostProgress | null {
    return this.#hostPhase;
  }
  /** Images the studio checked with the host (from the checking phase). */
  get hostChecked(): number | null {
    return this.#hostChecked;
  }
  /** The uploads' latest count, kept once the host trains (images sent of those it lacked, bytes). */
  get hostUploaded(): { done: number; total: number; bytes: number } | null {
    return this.#hostUploaded;
  }

  /** Whether the job trains a learned (rate-distortion) family. */
  get learned(): boolean {
    const arch = this.#request?.arch;
    if (arch) return familyMeta(arch)?.learned ?? false;
    return this.#rateSeen || this.#result?.rd !== undefined;
  }

  /** The wall-clock budget in seconds (learned families trained for minutes), else null. */
  get budgetSeconds(): number | null {
    const m = this.#request?.minutes;
    // Without a family the core picks one from the data (always a learned one): minutes are its budget.
    return m !== undefined && (this.learned || !this.#request?.arch) ? m * 60 : null;
  }

  /**
   * How far the training is at `now` (0-1), or null before its first batch. Under a time budget the
   * clock moves it between batches too (a photo step can take seconds), never past the budget.
   */
  progressAt(now: number): number | null {
    if (this.status === 'done') return 1;
    if (this.#fraction === null || this.#fractionAt === null) return null;
    const budget = this.budgetSeconds;
    if (budget === null || this.status !== 'running') return this.#fraction;
    return Math.min(1, this.#fraction + Math.max(0, now - this.#fractionAt) / 1000 / budget);
  }

  /** Seconds left at `now`: the budget's rest, or the trainer's ETA counted down since it came. */
  etaAt(now: number): number | null {
    const f = this.progressAt(now);
    const budget = this.budgetSeconds;
    if (budget !== null && f !== null) return Math.max(0, budget * (1 - f));
    if (this.#etaSeconds === null || this.#fractionAt === null || this.status !== 'running') return this.#etaSeconds;
    return Math.max(0, this.#etaSeconds - Math.max(0, now - this.#fractionAt) / 1000);
  }

  /** Seconds left of the uploads at `now`, from the pace of the images sent so far in this phase. */
  uploadEtaAt(now: number): number | null {
    const p = this.#hostPhase;
    if (p?.phase !== 'uploading' || p.done === 0 || this.#phaseSince === null) return null;
    return (((now - this.#phaseSince) / 1000) * (p.total - p.done)) / p.done;
  }

  get busy(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'paused';
  }

  #onProgress(p: TrainProgressPayload | RemoteTrainProgress): void {
    if (p.kind === 'host') return this.#onHostPhase(p);
    // Re-attached to a training on the host: its progress says which phase it is in.
    if (this.#host !== null && (this.#hostPhase === null || this.#hostPhase.phase === 'checking' || this.#hostPhase.phase === 'uploading'))
      this.#onHostPhase({ jobId: p.jobId, host: this.#host, phase: 'training', done: 0, total: 0, bytes: this.#hostPhase?.bytes ?? 0 });
    switch (p.kind) {
      case 'batch':
        this.#batchLoss = p.loss;
        this.#batchBpp = p.bpp ?? null;
        this.#batchPsnr = p.psnr ?? null;
        if (p.step !== undefined) this.#batchStep = p.step;
        if (p.bpp !== undefined) this.#rateSeen = true;
        this.#samplesPerSecond = p.samplesPerSecond;
        if (p.etaSeconds !== null) this.#etaSeconds = p.etaSeconds;
        if (p.fraction !== undefined) {
          this.#fraction = p.fraction;
          this.#fractionAt = Date.now();
        }
        break;
      case 'epoch':
        this.#epoch = p.epoch;
        this.#epochs = p.epochs;
        if (p.bpp !== undefined) this.#rateSeen = true;
        this.#samplesPerSecond = p.samplesPerSecond;
        this.#etaSeconds = p.etaSeconds;
        this.#history = [
          ...this.#history,
          {
            epoch: p.epoch,
            loss: p.loss,
            valLoss: p.valLoss,
            valPsnr: p.valPsnr,
            ...(p.bpp !== undefined ? { bpp: p.bpp } : {}),
            ...(p.psnr !== undefined ? { psnr: p.psnr } : {}),
            ...(p.valBpp !== undefined ? { valBpp: p.valBpp } : {}),
            ...(p.val ? { val: p.val } : {}),
            ...(p.step !== undefined ? { step: p.step } : {}),
          },
        ];
        this.#strip = p.reconstructions.map((r) => ({ original: pngUrl(r.original), reconstruction: pngUrl(r.reconstruction) }));
        break;
      case 'skipped':
        this.#skipped = [...this.#skipped, { file: p.file, reason: p.reason }];
        break;
    }
  }

  #onHostPhase(p: TrainHostProgress): void {
    if (p.phase !== this.#hostPhase?.phase) this.#phaseSince = Date.now();
    if (p.phase === 'checking') this.#hostChecked = p.total;
    if (p.phase === 'uploading') this.#hostUploaded = { done: p.done, total: p.total, bytes: p.bytes };
    this.#hostPhase = p;
  }

  #onFinished(p: TrainFinishedPayload): void {
    this.#endedAt = Date.now();
    if (p.ok) {
      this.#result = p.result;
      this.#etaSeconds = 0;
      if (this.#request) void this.#measureVerdict(p.result, this.#request.dataset);
    } else {
      this.#error = p.cancelled ? null : p.error;
    }
  }

  /** The same evaluation the CLI's train runs after training (core metrics/verdict.ts). */
  async #measureVerdict(result: TrainResult, dataset: string): Promise<void> {
    this.#verdictState = 'measuring';
    const jobId = this.jobId;
    try {
      await this.#verdictJob.start('eval', () =>
        this.#client.evaluateModel(verdictRequest({ id: result.model, name: result.name }, dataset)),
      );
      const outcome = await this.#verdictJob.outcome();
      if (jobId !== this.jobId) return;
      if (!outcome.result) throw new Error(outcome.error ?? `the evaluation ${outcome.state}`);
      this.#verdict = verdictOfEvaluation(outcome.result, VERDICT_EVAL.split);
      this.#verdictImages = outcome.result.images;
      this.#verdictState = 'done';
    } catch (e) {
      if (jobId !== this.jobId) return;
      this.#verdictState = 'none';
      this.#verdictNote = errorMessage(e);
    }
  }

  /** Trains here, or on the training host saved in the settings when `host` names it. */
  async start(req: TrainRequest, host?: string): Promise<void> {
    this.reset();
    this.#request = req;
    this.#host = host ?? null;
    this.#epochs = req.epochs ?? 0;
    this.#startedAt = Date.now();
    try {
      await this.#job.start(host ? REMOTE_TRAIN_JOB_KIND : 'train', () =>
        host ? this.#client.trainOnHost(req) : this.#client.trainModel(req),
      );
    } catch (e) {
      this.#startFailed = true;
      this.#error = errorMessage(e);
    }
  }

  /**
   * After a reload or in a new window: follow the training job that is still running (or paused)
   * in the studio, so the Train view shows it live instead of "not training".
   */
  async attach(): Promise<void> {
    if (this.jobId !== null || this.#attaching || this.busy) return;
    this.#attaching = true;
    try {
      await this.#job.attach({
        prepare: (live) => {
          this.#clearReadouts();
          const input = live.input as { request?: TrainRequest; host?: string } | null;
          this.#request = input?.request ?? null;
          this.#host = live.kind === REMOTE_TRAIN_JOB_KIND ? (input?.host ?? '') : null;
          this.#epoch = live.done;
          this.#epochs = live.total ?? 0;
          this.#startedAt = live.startedAt ? Date.parse(live.startedAt) : Date.now();
        },
      });
    } catch {
      // Not knowing about a running job only costs the live view; the job itself goes on.
    } finally {
      this.#attaching = false;
    }
  }

  /** Resolves when the current job ends (for flows such as "load the sample"). */
  async wait(): Promise<TrainResult> {
    if (this.jobId === null) throw new Error(this.#error ?? 'training did not start');
    const outcome = await this.#job.outcome();
    if (outcome.result) return outcome.result;
    throw new Error(outcome.error ?? `training ${outcome.state}`);
  }

  async pause(): Promise<void> {
    await this.#guard(() => this.#job.pause());
  }

  async resume(): Promise<void> {
    await this.#guard(() => this.#job.resume());
  }

  /** Stops the training, here or on the host (cancelJob dispatches by the job's kind). */
  async cancel(): Promise<void> {
    await this.#guard(() => this.#job.cancel());
  }

  async #guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  reset(): void {
    this.#job.reset();
    this.#clearReadouts();
  }

  #clearReadouts(): void {
    this.#request = null;
    this.#startFailed = false;
    this.#epoch = 0;
    this.#epochs = 0;
    this.#batchLoss = null;
    this.#batchBpp = null;
    this.#batchPsnr = null;
    this.#batchStep = null;
    this.#samplesPerSecond = null;
    this.#etaSeconds = null;
    this.#fraction = null;
    this.#fractionAt = null;
    this.#history = [];
    this.#strip = [];
    this.#skipped = [];
    this.#result = null;
    this.#error = null;
    this.#startedAt = null;
    this.#endedAt = null;
    this.#rateSeen = false;
    this.#verdictJob.reset();
    this.#verdict = null;
    this.#verdictState = 'idle';
    this.#verdictImages = 0;
    this.#verdictNote = null;
    this.#host = null;
    this.#hostPhase = null;
    this.#hostChecked = null;
    this.#hostUploaded = null;
    this.#phaseSince = null;
  }
}

function pngUrl(base64: string): string {
  return base64.startsWith('data:') ? base64 : `data:image/png;base64,${base64}`;
}

export const training = new TrainingSession(studio);
