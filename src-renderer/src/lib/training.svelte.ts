// The training job the Train view shows: live loss curves, rate, ETA and the latest validation
// reconstructions, kept outside the view so they survive switching views. A training on the
// training host (trainOnHost) is the same job seen through the host: its phases before and after
// (checking, uploading, training, fetching), then the host's own progress as trainProgress.
import type { TrainProgressPayload, TrainRequest, TrainResult } from '../../../src-main/core/contract/engine';
import type { StudioEvents } from '../../../src-main/core/api';
import { REMOTE_TRAIN_JOB_KIND, type TrainHostProgress } from '../../../src-main/core/contract/remote';
import type { Verdict } from '../../../src-main/core/contract/eval';
import type { RdPoint } from '../../../src-main/core/engine/model-card';
import { verdictOfEvaluation, verdictRequest } from '../../../src-main/core/metrics/verdict';
import { familyMeta } from './families';
import { errorMessage } from './format';
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

class TrainingSession {
  jobId = $state<number | null>(null);
  request = $state.raw<TrainRequest | null>(null);
  status = $state<TrainStatus>('idle');
  epoch = $state(0);
  epochs = $state(0);
  batchLoss = $state<number | null>(null);
  /** Learned families: rate and distortion of the latest batch. */
  batchBpp = $state<number | null>(null);
  batchPsnr = $state<number | null>(null);
  /** Learned families: steps so far, from the latest batch. */
  batchStep = $state<number | null>(null);
  samplesPerSecond = $state<number | null>(null);
  etaSeconds = $state<number | null>(null);
  /** The trainer's own measure of how far it is (0-1) at its latest batch, and when that came. */
  fraction = $state<number | null>(null);
  private fractionAt = $state<number | null>(null);
  history = $state.raw<EpochPoint[]>([]);
  /** data: URLs of the latest validation originals and reconstructions. */
  strip = $state.raw<{ original: string; reconstruction: string }[]>([]);
  skipped = $state.raw<{ file: string; reason: string }[]>([]);
  result = $state.raw<TrainResult | null>(null);
  error = $state<string | null>(null);
  startedAt = $state<number | null>(null);
  /** When the job ended (done, failed or cancelled), so "elapsed" stops there. */
  endedAt = $state<number | null>(null);
  /** After a training: the model measured against JPEG, WebP and AVIF on its validation images. */
  verdict = $state.raw<Verdict | null>(null);
  verdictState = $state<'idle' | 'measuring' | 'done' | 'none'>('idle');
  verdictProgress = $state<{ done: number; total: number } | null>(null);
  verdictImages = $state(0);
  /** Why there is no verdict (no validation images, or the measurement failed). */
  verdictNote = $state<string | null>(null);
  private verdictJob: number | null = null;
  /** The view re-attached to a training started before a reload (its curves start at the next epoch). */
  reattached = $state(false);
  private attaching = false;
  /** Progress carried a rate (bpp): a learned family, also when the request left the family to the core. */
  private rateSeen = $state(false);
  private subscribed = false;
  /** The training host's address when the job trains there (trainOnHost), else null. */
  host = $state<string | null>(null);
  /** The host's latest phase report (null until one came, e.g. right after a re-attach). */
  hostPhase = $state.raw<TrainHostProgress | null>(null);
  /** Images the studio checked with the host (from the checking phase). */
  hostChecked = $state<number | null>(null);
  /** The uploads' latest count, kept once the host trains (images sent of those it lacked, bytes). */
  hostUploaded = $state.raw<{ done: number; total: number; bytes: number } | null>(null);
  /** When the current phase began (the uploads' ETA counts from it). */
  private phaseSince = $state<number | null>(null);
  /** Events for a job whose start call has not answered yet (a host that refuses at once ends it first). */
  private early: { jobId: number; replay: () => void }[] = [];

  /** Whether the job trains a learned (rate-distortion) family. */
  get learned(): boolean {
    const arch = this.request?.arch;
    if (arch) return familyMeta(arch)?.learned ?? false;
    return this.rateSeen || this.result?.rd !== undefined;
  }

  /** The wall-clock budget in seconds (learned families trained for minutes), else null. */
  get budgetSeconds(): number | null {
    const m = this.request?.minutes;
    // Without a family the core picks one from the data (always a learned one): minutes are its budget.
    return m !== undefined && (this.learned || !this.request?.arch) ? m * 60 : null;
  }

  /**
   * How far the training is at `now` (0-1), or null before its first batch. Under a time budget the
   * clock moves it between batches too (a photo step can take seconds), never past the budget.
   */
  progressAt(now: number): number | null {
    if (this.status === 'done') return 1;
    if (this.fraction === null || this.fractionAt === null) return null;
    const budget = this.budgetSeconds;
    if (budget === null || this.status !== 'running') return this.fraction;
    return Math.min(1, this.fraction + Math.max(0, now - this.fractionAt) / 1000 / budget);
  }

  /** Seconds left at `now`: the budget's rest, or the trainer's ETA counted down since it came. */
  etaAt(now: number): number | null {
    const f = this.progressAt(now);
    const budget = this.budgetSeconds;
    if (budget !== null && f !== null) return Math.max(0, budget * (1 - f));
    if (this.etaSeconds === null || this.fractionAt === null || this.status !== 'running') return this.etaSeconds;
    return Math.max(0, this.etaSeconds - Math.max(0, now - this.fractionAt) / 1000);
  }

  /** Seconds left of the uploads at `now`, from the pace of the images sent so far in this phase. */
  uploadEtaAt(now: number): number | null {
    const p = this.hostPhase;
    if (p?.phase !== 'uploading' || p.done === 0 || this.phaseSince === null) return null;
    return (((now - this.phaseSince) / 1000) * (p.total - p.done)) / p.done;
  }

  get busy(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'paused';
  }

  private subscribe(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    studio.on('trainProgress', (p) => this.mine(p.jobId, () => this.onProgress(p)));
    studio.on('trainHostProgress', (p) => this.mine(p.jobId, () => this.onHostPhase(p)));
    studio.on('evalProgress', (p) => {
      if (p.jobId === this.verdictJob) this.verdictProgress = { done: p.done, total: p.total };
    });
    studio.on('trainFinished', (p) => this.mine(p.jobId, () => this.onFinished(p)));
  }

  /** Runs `apply` for the current job's events; keeps them while its start call is still answering. */
  private mine(jobId: number, apply: () => void): void {
    if (jobId === this.jobId) apply();
    else if (this.jobId === null && this.status === 'starting') this.early.push({ jobId, replay: apply });
  }

  private adopt(jobId: number): void {
    this.jobId = jobId;
    for (const e of this.early.splice(0)) if (e.jobId === jobId) e.replay();
  }

  private onHostPhase(p: TrainHostProgress): void {
    if (p.phase !== this.hostPhase?.phase) this.phaseSince = Date.now();
    if (p.phase === 'checking') this.hostChecked = p.total;
    if (p.phase === 'uploading') this.hostUploaded = { done: p.done, total: p.total, bytes: p.bytes };
    this.hostPhase = p;
    // The job runs from its first report on (the host's own progress comes later).
    if (this.status === 'starting') this.status = 'running';
  }

  private onProgress(p: TrainProgressPayload): void {
    // Re-attached to a training on the host: its progress says which phase it is in.
    if (this.host !== null && (this.hostPhase === null || this.hostPhase.phase === 'checking' || this.hostPhase.phase === 'uploading'))
      this.onHostPhase({ jobId: p.jobId, host: this.host, phase: 'training', done: 0, total: 0, bytes: this.hostPhase?.bytes ?? 0 });
    switch (p.kind) {
      case 'batch':
        this.batchLoss = p.loss;
        this.batchBpp = p.bpp ?? null;
        this.batchPsnr = p.psnr ?? null;
        if (p.step !== undefined) this.batchStep = p.step;
        if (p.bpp !== undefined) this.rateSeen = true;
        this.samplesPerSecond = p.samplesPerSecond;
        if (p.etaSeconds !== null) this.etaSeconds = p.etaSeconds;
        if (p.fraction !== undefined) {
          this.fraction = p.fraction;
          this.fractionAt = Date.now();
        }
        if (this.status === 'starting') this.status = 'running';
        break;
      case 'epoch':
        this.epoch = p.epoch;
        this.epochs = p.epochs;
        if (p.bpp !== undefined) this.rateSeen = true;
        this.samplesPerSecond = p.samplesPerSecond;
        this.etaSeconds = p.etaSeconds;
        this.history = [
          ...this.history,
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
        this.strip = p.reconstructions.map((r) => ({ original: pngUrl(r.original), reconstruction: pngUrl(r.reconstruction) }));
        if (this.status === 'starting') this.status = 'running';
        break;
      case 'skipped':
        this.skipped = [...this.skipped, { file: p.file, reason: p.reason }];
        break;
      case 'state':
        this.status = p.state;
        break;
    }
  }

  private onFinished(p: StudioEvents['trainFinished']): void {
    this.endedAt = Date.now();
    if (p.ok) {
      this.result = p.result;
      this.status = 'done';
      this.etaSeconds = 0;
      if (this.request) void this.measureVerdict(p.result, this.request.dataset);
    } else {
      this.status = p.cancelled ? 'cancelled' : 'failed';
      this.error = p.cancelled ? null : p.error;
    }
  }

  /** The same evaluation the CLI's train runs after training (core metrics/verdict.ts). */
  private async measureVerdict(result: TrainResult, dataset: string): Promise<void> {
    this.verdictState = 'measuring';
    this.verdictProgress = null;
    const jobId = this.jobId;
    try {
      const started = await studio.evaluateModel(verdictRequest({ id: result.model, name: result.name }, dataset));
      this.verdictJob = started.jobId;
      const ev = await studio.awaitEvaluation({ jobId: started.jobId });
      if (jobId !== this.jobId) return;
      this.verdict = verdictOfEvaluation(ev);
      this.verdictImages = ev.images;
      this.verdictState = 'done';
    } catch (e) {
      if (jobId !== this.jobId) return;
      this.verdictState = 'none';
      this.verdictNote = errorMessage(e);
    } finally {
      this.verdictJob = null;
    }
  }

  /** Trains here, or on the training host saved in the settings when `host` names it. */
  async start(req: TrainRequest, host?: string): Promise<void> {
    this.subscribe();
    this.reset();
    this.request = req;
    this.host = host ?? null;
    this.status = 'starting';
    this.epochs = req.epochs ?? 0;
    this.startedAt = Date.now();
    try {
      const { jobId } = host ? await studio.trainOnHost(req) : await studio.trainModel(req);
      this.adopt(jobId);
    } catch (e) {
      this.early = [];
      this.status = 'failed';
      this.error = errorMessage(e);
    }
  }

  /**
   * After a reload or in a new window: follow the training job that is still running (or paused)
   * in the studio, so the Train view shows it live instead of "not training".
   */
  async attach(): Promise<void> {
    if (this.jobId !== null || this.attaching || this.busy) return;
    this.attaching = true;
    try {
      const lists = await Promise.all(['train', REMOTE_TRAIN_JOB_KIND].map((kind) => studio.listJobs({ kind, limit: 20 })));
      const live = lists
        .flatMap((l) => l.jobs)
        .filter((j) => j.state === 'running' || j.state === 'paused')
        .sort((a, b) => b.id - a.id)[0];
      if (!live || this.jobId !== null || this.busy) return;
      this.subscribe();
      this.reset();
      const input = live.input as { request?: TrainRequest; host?: string } | null;
      this.request = input?.request ?? null;
      this.host = live.kind === REMOTE_TRAIN_JOB_KIND ? (input?.host ?? '') : null;
      this.jobId = live.id;
      this.status = live.state === 'paused' ? 'paused' : 'running';
      this.epoch = live.done;
      this.epochs = live.total ?? 0;
      this.startedAt = live.startedAt ? Date.parse(live.startedAt) : Date.now();
      this.reattached = true;
    } catch {
      // Not knowing about a running job only costs the live view; the job itself goes on.
    } finally {
      this.attaching = false;
    }
  }

  /** Resolves when the current job ends (for flows such as "load the sample"). */
  async wait(): Promise<TrainResult> {
    if (!this.jobId) throw new Error(this.error ?? 'training did not start');
    return this.host !== null ? studio.awaitHostTraining({ jobId: this.jobId }) : studio.awaitTraining({ jobId: this.jobId });
  }

  async pause(): Promise<void> {
    if (!this.jobId) return;
    await this.guard(() => studio.pauseTraining({ jobId: this.jobId! }));
    if (this.status === 'running') this.status = 'paused';
  }

  async resume(): Promise<void> {
    if (!this.jobId) return;
    await this.guard(() => studio.resumeTraining({ jobId: this.jobId! }));
    if (this.status === 'paused') this.status = 'running';
  }

  async cancel(): Promise<void> {
    if (!this.jobId) return;
    // A training on the host stops there (cancelJob dispatches by the job's kind).
    await this.guard(() => (this.host !== null ? studio.cancelJob({ jobId: this.jobId! }) : studio.cancelTraining({ jobId: this.jobId! })));
  }

  private async guard(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  reset(): void {
    this.jobId = null;
    this.status = 'idle';
    this.epoch = 0;
    this.epochs = 0;
    this.batchLoss = null;
    this.batchBpp = null;
    this.batchPsnr = null;
    this.batchStep = null;
    this.samplesPerSecond = null;
    this.etaSeconds = null;
    this.fraction = null;
    this.fractionAt = null;
    this.history = [];
    this.strip = [];
    this.skipped = [];
    this.result = null;
    this.error = null;
    this.startedAt = null;
    this.endedAt = null;
    this.rateSeen = false;
    this.verdict = null;
    this.verdictState = 'idle';
    this.verdictProgress = null;
    this.verdictImages = 0;
    this.verdictNote = null;
    this.reattached = false;
    this.host = null;
    this.hostPhase = null;
    this.hostChecked = null;
    this.hostUploaded = null;
    this.phaseSince = null;
    this.early = [];
  }
}

function pngUrl(base64: string): string {
  return base64.startsWith('data:') ? base64 : `data:image/png;base64,${base64}`;
}

export const training = new TrainingSession();
