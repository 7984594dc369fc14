// The batch job the Batch view shows: inputs (a dropped or chosen folder), settings, live
// progress per file and overall, errors, and the summary. Jobs live in the catalog, so after a
// restart the view finds them through listJobs and can resume one.
import type { BatchFailure, BatchProgress, BatchRequest, BatchSummary, JobInfo } from '../../../src-main/core/api';
import { resolveDropped, type Dropped, type UploadProgress } from './dropped';
import { errorMessage } from './format';
import { studio } from './studio';
import { DEFAULT_MAX_PIXELS } from '../../../src-main/core/contract/limits';

export const BATCH_KINDS = ['batch.compress', 'batch.decompress'];

export interface BatchInput {
  paths: string[];
  /** The folder whose structure is mirrored, when one was given. */
  folder: string | null;
  label: string;
  count: number;
  /** Uploaded by the browser: its paths are the studio's copies, not where the user keeps the files. */
  uploaded?: boolean;
}

export type BatchStatus = 'idle' | 'uploading' | 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export { MEGAPIXEL_RANGE } from './pixel-limit';

class BatchSession {
  input = $state.raw<BatchInput | null>(null);
  upload = $state.raw<UploadProgress | null>(null);
  private kindState = $state<'compress' | 'decompress'>('compress');
  modelId = $state('');
  quality = $state(75);
  private outState = $state('');
  /** The output folder is the studio's default (not typed or chosen): it follows the input and the task. */
  private outAuto = true;
  suffix = $state('');
  skipExisting = $state(true);
  /** Compress: decode each file once more and record its PSNR (the Library's latent files show it). */
  measure = $state(true);
  format = $state<'png' | 'jpeg' | 'webp'>('png');
  /** Largest image the job decodes, in megapixels (the core's --max-pixels). */
  maxMegapixels = $state(DEFAULT_MAX_PIXELS / 1e6);
  /** Send the batch to the queue's workers (the queue in the settings) instead of this studio's threads. */
  onWorkers = $state(false);
  /** The shown job runs on the queue: it cannot pause, and resuming sends its files to the queue again. */
  runsOnQueue = $state(false);
  /** The latest line about the queue itself (unreachable, back again). */
  notice = $state<string | null>(null);
  private lastRequest: BatchRequest | null = null;

  jobId = $state<number | null>(null);
  status = $state<BatchStatus>('idle');
  progress = $state.raw<BatchProgress | null>(null);
  /** The latest files finished, newest first (for the per-file list). */
  recent = $state.raw<{ file: string; error?: string }[]>([]);
  errors = $state.raw<BatchFailure[]>([]);
  summary = $state.raw<BatchSummary | null>(null);
  error = $state<string | null>(null);
  private subscribed = false;

  get kind(): 'compress' | 'decompress' {
    return this.kindState;
  }
  set kind(k: 'compress' | 'decompress') {
    this.kindState = k;
    // After a job, a new task gets a new folder: decoded images never land among the latent files.
    if (this.summary) this.outAuto = true;
    this.defaultOut();
  }

  get outDir(): string {
    return this.outState;
  }
  /** Set by the user (typed or chosen): kept until the input changes, or the task after a job. */
  set outDir(dir: string) {
    this.outState = dir;
    this.outAuto = dir === '';
  }

  /** Next to the input folder, named for the task: never inside it, never over the originals. */
  private defaultOut(): void {
    const folder = this.input?.folder;
    if (!this.outAuto || !folder) return;
    this.outState = `${folder.replace(/[\\/]+$/, '')}-${this.kindState === 'compress' ? 'latent' : 'decoded'}`;
  }

  get active(): boolean {
    return this.status === 'uploading' || this.status === 'queued' || this.status === 'running' || this.status === 'paused';
  }

  subscribe(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    studio.on('batchProgress', (p) => {
      if (p.jobId !== this.jobId) return;
      this.progress = p;
      this.status = p.state as BatchStatus;
      this.notice = p.notice ?? null;
      if (p.currentFile) this.recent = [{ file: p.currentFile, ...(p.error ? { error: p.error } : {}) }, ...this.recent].slice(0, 200);
      if (p.error && p.currentFile) this.errors = [...this.errors, { path: p.currentFile, error: p.error }];
    });
    studio.on('batchFinished', (f) => {
      if (f.jobId !== this.jobId) return;
      this.status = f.state as BatchStatus;
      this.errors = f.failed;
      if (f.error) this.error = f.error;
      void this.loadSummary();
    });
  }

  async setDropped(dropped: Dropped): Promise<void> {
    this.error = null;
    this.status = 'uploading';
    this.upload = null;
    // A folder typed while the upload runs is the user's choice for this input: it stays.
    const typedBefore = this.outState;
    try {
      const r = await resolveDropped(dropped, (u) => (this.upload = u));
      if (r.count === 0) throw new Error('nothing dropped: no files found');
      this.setInput(
        {
          paths: r.folder && dropped.kind === 'files' ? [r.folder] : r.paths,
          folder: r.folder,
          label: r.topFolder ?? 'Dropped files',
          count: r.count,
          ...(dropped.kind === 'files' ? { uploaded: true } : {}),
        },
        !this.outAuto && this.outState !== typedBefore,
      );
      this.status = 'idle';
    } catch (e) {
      this.status = 'idle';
      this.error = errorMessage(e);
    }
  }

  setInput(input: BatchInput, keepTyped = false): void {
    this.input = input;
    // A new input gets the folder beside it (a folder typed for the previous input is not reused).
    if (!keepTyped) this.outAuto = true;
    this.defaultOut();
  }

  async start(fresh = false): Promise<void> {
    if (!this.input) return;
    this.subscribe();
    this.error = null;
    this.progress = null;
    this.recent = [];
    this.errors = [];
    this.summary = null;
    this.notice = null;
    const request: BatchRequest = {
      kind: this.kind,
      inputs: this.input.paths,
      outDir: this.outDir,
      ...(this.kind === 'compress'
        ? { modelId: this.modelId, quality: this.quality, ...(this.measure ? { measure: true } : {}) }
        : { format: this.format }),
      ...(this.skipExisting ? { skipExisting: true } : {}),
      ...(this.suffix ? { suffix: this.suffix } : {}),
      ...(fresh ? { fresh: true } : {}),
      ...(this.maxMegapixels * 1e6 !== DEFAULT_MAX_PIXELS ? { maxPixels: Math.round(this.maxMegapixels * 1e6) } : {}),
    };
    try {
      const onQueue = this.onWorkers;
      const started = onQueue ? await studio.startQueueBatch(request) : await studio.startBatch(request);
      this.lastRequest = request;
      this.runsOnQueue = onQueue;
      this.jobId = started.jobId;
      this.status = started.state as BatchStatus;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** Show a job of the catalog (e.g. one from before a restart). */
  async attach(job: JobInfo): Promise<void> {
    this.subscribe();
    // Not known from the catalog: another listed job resumes on this studio's threads.
    if (job.id !== this.jobId) this.runsOnQueue = false;
    this.jobId = job.id;
    this.status = job.state as BatchStatus;
    this.progress = null;
    this.recent = [];
    this.errors = job.errors.map((e) => ({ path: e.item, error: e.message }));
    this.error = job.error;
    await this.loadSummary();
  }

  async loadSummary(): Promise<void> {
    if (this.jobId === null) return;
    try {
      const s = await studio.getBatch({ jobId: this.jobId });
      this.summary = s;
      this.errors = s.failed;
      if (!this.active) this.status = s.state as BatchStatus;
      if (!this.outState) this.outDir = s.outDir;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  async pause(): Promise<void> {
    await this.act(async (id) => {
      const r = await studio.pauseJob({ jobId: id });
      this.status = r.state as BatchStatus;
    });
  }

  async resume(jobId = this.jobId): Promise<void> {
    if (jobId === null) return;
    this.subscribe();
    const again = this.runsOnQueue && jobId === this.jobId ? this.lastRequest : null;
    this.jobId = jobId;
    await this.act(async (id) => {
      // The same request on the queue continues the job: finished files are not redone.
      const r = again ? await studio.startQueueBatch(again) : await studio.resumeBatch({ jobId: id });
      if (!again) this.runsOnQueue = false;
      this.jobId = r.jobId;
      this.status = r.state as BatchStatus;
    });
  }

  async cancel(): Promise<void> {
    await this.act(async (id) => {
      const r = await studio.cancelJob({ jobId: id });
      this.status = r.state as BatchStatus;
    });
  }

  private async act(fn: (jobId: number) => Promise<void>): Promise<void> {
    if (this.jobId === null) return;
    try {
      await fn(this.jobId);
    } catch (e) {
      this.error = errorMessage(e);
    }
  }
}

export const batch = new BatchSession();
