// The batch job the Batch view shows: inputs (a dropped or chosen folder), settings, live
// progress per file and overall, errors, and the summary. Jobs live in the catalog, so after a
// restart the view finds them through listJobs (attach) and can resume one.
import type {
  BatchFailure,
  BatchProgress,
  BatchRequest,
  BatchSummary,
  JobInfo,
  StudioClient,
  StudioSettings,
} from '../../../src-main/core/api';
import { resolveDropped, type Dropped, type UploadProgress } from './dropped';
import { errorMessage } from './format';
import { JobSession } from './job-session.svelte';
import { library } from './library.svelte';
import { settings } from './settings.svelte';
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

/**
 * What the form's defaults follow until the user sets a field: the catalog's models (the first is
 * the default model) and the saved settings (null until they load: no queue known, the default
 * limit). A session given none (a test) keeps its fields as set.
 */
export interface BatchDefaults {
  models: () => readonly { id: string }[];
  settings: () => Pick<StudioSettings, 'queue' | 'maxPixels'> | null;
}

export class BatchSession {
  readonly #client: StudioClient;
  readonly #job: JobSession<'batch.compress' | 'batch.decompress'>;
  #input = $state.raw<BatchInput | null>(null);
  #upload = $state.raw<UploadProgress | null>(null);
  #uploading = $state(false);
  readonly #defaults: BatchDefaults | null;
  private kindState = $state<'compress' | 'decompress'>('compress');
  /** The model chosen in the form or by a link ('' none yet: the newest is the default). */
  #modelId = $state('');
  quality = $state(75);
  private outState = $state('');
  /** The output folder is the studio's default (not typed or chosen): it follows the input and the task. */
  private outAuto = true;
  suffix = $state('');
  skipExisting = $state(true);
  /** Compress: decode each file once more and record its PSNR (the Library's latent files show it). */
  measure = $state(true);
  format = $state<'png' | 'jpeg' | 'webp'>('png');
  /** "Largest image" as typed, even emptied (null: never typed, the studio's setting). */
  #maxMegapixels = $state.raw<{ typed: number } | null>(null);
  /** The user asked for the queue's workers (it counts only while a queue is saved). */
  #onWorkers = $state(false);
  #runsOnQueue = $state(false);
  #notice = $state<string | null>(null);
  private lastRequest: BatchRequest | null = null;

  /** The latest files finished, newest first (for the per-file list). */
  #recent = $state.raw<{ file: string; error?: string }[]>([]);
  #errors = $state.raw<BatchFailure[]>([]);
  #summary = $state.raw<BatchSummary | null>(null);
  #error = $state<string | null>(null);

  constructor(client: StudioClient, defaults: BatchDefaults | null = null) {
    this.#client = client;
    this.#defaults = defaults;
    this.#job = new JobSession(client, ['batch.compress', 'batch.decompress'], {
      progress: (p) => {
        this.#notice = p.notice ?? null;
        // A file is listed once, with its latest outcome: an event about a file still in progress
        // (its tiles) or the same file's event again must not add it twice.
        const file = p.currentFile;
        if (file) {
          const entry = { file, ...(p.error ? { error: p.error } : {}) };
          this.#recent = [entry, ...this.#recent.filter((r) => r.file !== file)].slice(0, 200);
          const others = this.#errors.filter((e) => e.path !== file);
          this.#errors = p.error ? [...others, { path: file, error: p.error }] : others;
        }
      },
      finished: (f) => {
        this.#errors = f.failed;
        if (f.error) this.#error = f.error;
        void this.loadSummary();
      },
    });
  }

  /** The model to compress with: the one chosen, else the newest of the catalog. */
  get modelId(): string {
    return this.#modelId || (this.#defaults?.models()[0]?.id ?? '');
  }
  set modelId(id: string) {
    this.#modelId = id;
  }

  /** Largest image the job decodes, in megapixels (the core's --max-pixels): as typed, else the studio's setting. */
  get maxMegapixels(): number {
    return this.#maxMegapixels ? this.#maxMegapixels.typed : (this.#defaults?.settings()?.maxPixels ?? DEFAULT_MAX_PIXELS) / 1e6;
  }
  set maxMegapixels(mp: number) {
    this.#maxMegapixels = { typed: mp };
  }

  /** Send the batch to the queue's workers instead of this studio's threads: asked for, and a queue is saved. */
  get onWorkers(): boolean {
    return this.#onWorkers && (this.#defaults === null || (this.#defaults.settings()?.queue ?? null) !== null);
  }
  set onWorkers(on: boolean) {
    this.#onWorkers = on;
  }

  get input(): BatchInput | null {
    return this.#input;
  }
  get upload(): UploadProgress | null {
    return this.#upload;
  }
  /** The shown job runs on the queue: it cannot pause, and resuming sends its files to the queue again. */
  get runsOnQueue(): boolean {
    return this.#runsOnQueue;
  }
  /** The latest line about the queue itself (unreachable, back again). */
  get notice(): string | null {
    return this.#notice;
  }
  get jobId(): number | null {
    return this.#job.jobId;
  }
  get status(): BatchStatus {
    if (this.#uploading) return 'uploading';
    const s = this.#job.state;
    // Asked for and not yet running: shown as waiting.
    return s === 'starting' ? 'queued' : s;
  }
  get progress(): BatchProgress | null {
    return this.#job.progress;
  }
  get recent(): { file: string; error?: string }[] {
    return this.#recent;
  }
  get errors(): BatchFailure[] {
    return this.#errors;
  }
  get summary(): BatchSummary | null {
    return this.#summary;
  }
  get error(): string | null {
    return this.#error;
  }

  get kind(): 'compress' | 'decompress' {
    return this.kindState;
  }
  set kind(k: 'compress' | 'decompress') {
    this.kindState = k;
    // After a job, a new task gets a new folder: decoded images never land among the latent files.
    if (this.#summary) this.outAuto = true;
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
    const folder = this.#input?.folder;
    if (!this.outAuto || !folder) return;
    this.outState = `${folder.replace(/[\\/]+$/, '')}-${this.kindState === 'compress' ? 'latent' : 'decoded'}`;
  }

  get active(): boolean {
    return this.status === 'uploading' || this.status === 'queued' || this.status === 'running' || this.status === 'paused';
  }

  /** An error of the view's own (a dialog that failed), shown with the batch's. */
  report(e: unknown): void {
    this.#error = errorMessage(e);
  }

  async setDropped(dropped: Dropped): Promise<void> {
    this.#error = null;
    this.#uploading = true;
    this.#upload = null;
    // A folder typed while the upload runs is the user's choice for this input: it stays.
    const typedBefore = this.outState;
    try {
      const r = await resolveDropped(dropped, (u) => (this.#upload = u));
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
    } catch (e) {
      this.#error = errorMessage(e);
    } finally {
      this.#uploading = false;
    }
  }

  setInput(input: BatchInput, keepTyped = false): void {
    this.#input = input;
    // A new input gets the folder beside it (a folder typed for the previous input is not reused).
    if (!keepTyped) this.outAuto = true;
    this.defaultOut();
  }

  async start(fresh = false): Promise<void> {
    if (!this.#input) return;
    this.#error = null;
    this.#recent = [];
    this.#errors = [];
    this.#summary = null;
    this.#notice = null;
    const request: BatchRequest = {
      kind: this.kind,
      inputs: this.#input.paths,
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
      await this.#job.start(`batch.${request.kind}`, () =>
        onQueue ? this.#client.startQueueBatch(request) : this.#client.startBatch(request),
      );
      this.lastRequest = request;
      this.#runsOnQueue = onQueue;
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  /**
   * Show a job of the catalog (e.g. one from before a restart); without one, the batch job still
   * running in the studio, if any (after a reload).
   */
  async attach(job?: JobInfo): Promise<void> {
    try {
      if (job) {
        // Not known from the catalog: another listed job resumes on this studio's threads.
        if (job.id !== this.jobId) this.#runsOnQueue = false;
        this.#job.follow(job);
      } else {
        const live = await this.#job.attach();
        if (!live) return;
        this.#runsOnQueue = false;
        job = live;
      }
    } catch (e) {
      this.#error = errorMessage(e);
      return;
    }
    this.#recent = [];
    this.#errors = job.errors.map((e) => ({ path: e.item, error: e.message }));
    this.#error = job.error;
    await this.loadSummary();
  }

  async loadSummary(): Promise<void> {
    const jobId = this.jobId;
    if (jobId === null) return;
    try {
      const s = await this.#client.getBatch({ jobId });
      if (jobId !== this.jobId) return;
      this.#summary = s;
      this.#errors = s.failed;
      if (!this.outState) this.outDir = s.outDir;
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  async pause(): Promise<void> {
    await this.guard(() => this.#job.pause());
  }

  async resume(jobId = this.jobId): Promise<void> {
    if (jobId === null) return;
    const again = this.#runsOnQueue && jobId === this.jobId ? this.lastRequest : null;
    await this.guard(async () => {
      // The same request on the queue continues the job: finished files are not redone.
      if (again) await this.#job.start(`batch.${again.kind}`, () => this.#client.startQueueBatch(again));
      else {
        await this.#job.resume(jobId);
        this.#runsOnQueue = false;
      }
    });
  }

  async cancel(): Promise<void> {
    await this.guard(() => this.#job.cancel());
  }

  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }
}

export const batch = new BatchSession(studio, {
  models: () => library.models.value ?? [],
  settings: () => settings.current.value,
});

/**
 * The overall bar: files done plus the share of the files in progress their tiles say, so one
 * large photo moves the bar; the words name the tiles when one file is in progress.
 */
export function overallProgress(p: BatchProgress): { value: number; detail: string } {
  const working = p.working ?? [];
  const within = working.reduce((n, w) => n + (w.tilesTotal > 0 ? w.tilesDone / w.tilesTotal : 0), 0);
  const value = Math.min(p.total, p.done + within);
  const only = working.length === 1 ? working[0]! : undefined;
  const detail = only
    ? `file ${Math.min(p.total, p.done + 1)} / ${p.total} · tile ${only.tilesDone} / ${only.tilesTotal}`
    : `${p.done} / ${p.total} files${working.length > 1 ? ` · ${working.length} in progress` : ''}`;
  return { value, detail };
}
