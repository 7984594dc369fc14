// One catalog job followed by the renderer: its state, latest progress and end, from the
// contract's generic job events. Every session (import, batch, training, evaluation, code-size
// sweep) is one of these plus what its view shows. It subscribes before a job starts and keeps
// the events of jobs it does not know yet until the start call answers with the job id, so a job
// that reports (or even ends) before that is never missed; after a reload it finds a live job of
// its kinds with listJobs and follows it. Pause, resume, cancel and waiting are the generic methods.
import type { JobInfo, StudioClient } from '../../../src-main/core/api';
import type { JobState } from '../../../src-main/core/contract/catalog';
import type { JobKind, JobKindPayloads, JobOutcome } from '../../../src-main/core/contract/jobs';

/** 'starting': asked for, not yet acknowledged by the work (no state event or progress yet). */
export type JobPhase = 'idle' | 'starting' | JobState;

export type ProgressOf<K extends JobKind> = JobKindPayloads[K]['progress'];
export type FinishedOf<K extends JobKind> = JobKindPayloads[K]['finished'];
export type OutcomeOf<K extends JobKind> = Extract<JobOutcome, { kind: K }>;

/** What a session does with its job's events, beyond what JobSession keeps. */
export interface JobHooks<K extends JobKind> {
  progress?(payload: ProgressOf<K>): void;
  finished?(payload: FinishedOf<K>): void;
}

export interface AttachOptions {
  /** Runs once the job is chosen, before the events that came meanwhile are replayed. */
  prepare?: (job: JobInfo) => void;
}

const LIVE_JOB_STATES = ['queued', 'running', 'paused'] as const;
const LIVE_PHASES: readonly JobPhase[] = ['starting', ...LIVE_JOB_STATES];
/** Early events kept at most (a start call answers long before this many arrive). */
const MAX_EARLY = 10_000;

export class JobSession<K extends JobKind> {
  #jobId = $state<number | null>(null);
  #kind = $state<K | null>(null);
  #state = $state<JobPhase>('idle');
  #progress = $state.raw<ProgressOf<K> | null>(null);
  #finished = $state.raw<FinishedOf<K> | null>(null);
  #reattached = $state(false);
  /** Starts and attaches waiting for their job id; while any does, events of unknown jobs are kept. */
  #waits = 0;
  #early: { jobId: number; apply: () => void }[] = [];
  /** Counts state changes the events brought, so an action's older answer does not undo a newer event. */
  #stateSeq = 0;
  /** Counts the jobs followed, so an attach does not replace one started or chosen while it looked. */
  #followed = 0;
  #listening = false;
  readonly #client: StudioClient;
  readonly #kinds: readonly K[];
  readonly #hooks: JobHooks<K>;

  constructor(client: StudioClient, kinds: readonly K[], hooks: JobHooks<K> = {}) {
    this.#client = client;
    this.#kinds = kinds;
    this.#hooks = hooks;
  }

  get jobId(): number | null {
    return this.#jobId;
  }
  get kind(): K | null {
    return this.#kind;
  }
  get state(): JobPhase {
    return this.#state;
  }
  /** The latest progress payload of the job followed. */
  get progress(): ProgressOf<K> | null {
    return this.#progress;
  }
  /** Its end payload, once it ended. */
  get finished(): FinishedOf<K> | null {
    return this.#finished;
  }
  /** The job was found running (attach), not started here: what came before is not known. */
  get reattached(): boolean {
    return this.#reattached;
  }
  /** Starting, queued, running or paused. */
  get live(): boolean {
    return LIVE_PHASES.includes(this.#state);
  }

  /** Starts a job with `call` (the kind's start method) and follows it; resolves with its id. */
  async start(kind: K, call: () => Promise<{ jobId: number; state?: JobState }>): Promise<number> {
    this.#listen();
    this.#clear();
    this.#kind = kind;
    this.#state = 'starting';
    this.#waits++;
    try {
      const r = await call();
      this.#adopt(r.jobId, kind, r.state);
      return r.jobId;
    } catch (e) {
      this.#state = 'idle';
      this.#kind = null;
      throw e;
    } finally {
      this.#endWait();
    }
  }

  /**
   * After a reload or in a new window: follows the newest job of this session's kinds that is
   * still queued, running or paused; null when there is none, when this session follows a live
   * job, or when it started or chose one while this looked.
   */
  async attach(options: AttachOptions = {}): Promise<JobInfo | null> {
    if (this.live) return null;
    this.#listen();
    this.#waits++;
    const followed = this.#followed;
    try {
      const lists = await Promise.all(
        this.#kinds.flatMap((kind) => LIVE_JOB_STATES.map((state) => this.#client.listJobs({ kind, state, limit: 5 }))),
      );
      const job = lists.flatMap((l) => l.jobs).sort((a, b) => b.id - a.id)[0];
      if (!job || this.live || followed !== this.#followed) return null;
      const kind = this.#kindOf(job);
      this.#clear();
      this.#reattached = true;
      options.prepare?.(job);
      this.#adopt(job.id, kind, job.state);
      return job;
    } finally {
      this.#endWait();
    }
  }

  /** Follows a job of the catalog (e.g. one chosen from a list), live or ended. */
  follow(job: Pick<JobInfo, 'id' | 'kind' | 'state'>): void {
    this.#listen();
    this.#clear();
    this.#adopt(job.id, this.#kindOf(job), job.state);
  }

  /** Holds the job after its unit in progress (kinds that cannot pause answer unsupported). */
  async pause(): Promise<void> {
    await this.#act((jobId) => this.#client.pauseJob({ jobId }));
  }

  async cancel(): Promise<void> {
    await this.#act((jobId) => this.#client.cancelJob({ jobId }));
  }

  /** Continues the job followed, or another one of the catalog (which is then followed). */
  async resume(jobId: number | null = this.#jobId): Promise<void> {
    if (jobId === null) return;
    this.#listen();
    const other = jobId !== this.#jobId;
    if (other) {
      // Followed from now on, so its first events are not missed while resumeJob answers.
      this.#clear();
      this.#jobId = jobId;
      this.#state = 'starting';
    }
    const seq = this.#stateSeq;
    let r: { jobId: number; kind: string; state: JobState };
    try {
      r = await this.#client.resumeJob({ jobId });
    } catch (e) {
      if (other && seq === this.#stateSeq && this.#state === 'starting') this.#state = 'idle';
      throw e;
    }
    this.#jobId = r.jobId;
    this.#kind = this.#kindOf({ id: r.jobId, kind: r.kind });
    if (seq === this.#stateSeq) this.#state = r.state;
  }

  /** Resolves when the job followed has ended (at once when it has): its end state and result. */
  async outcome(): Promise<OutcomeOf<K>> {
    const jobId = this.#jobId;
    if (jobId === null) throw new Error('no job to wait for');
    const outcome = (await this.#client.awaitJob({ jobId })) as OutcomeOf<K>;
    // The end is known now, also where its state event was missed (a dropped connection).
    if (jobId === this.#jobId && this.live) this.#onState(outcome.state);
    return outcome;
  }

  /** Follows nothing any more. */
  reset(): void {
    this.#clear();
  }

  #clear(): void {
    this.#followed++;
    this.#jobId = null;
    this.#kind = null;
    this.#state = 'idle';
    this.#progress = null;
    this.#finished = null;
    this.#reattached = false;
  }

  #kindOf(job: Pick<JobInfo, 'id' | 'kind'>): K {
    const kind = this.#kinds.find((k) => k === job.kind);
    if (!kind) throw new Error(`job ${job.id} is a ${job.kind} job, not one of ${this.#kinds.join(', ')}`);
    return kind;
  }

  #adopt(jobId: number, kind: K, state: JobState | undefined): void {
    this.#jobId = jobId;
    this.#kind = kind;
    if (state) this.#state = state;
    // Its events that came before the answer, in order; later ones arrive directly.
    const mine = this.#early.filter((e) => e.jobId === jobId);
    this.#early = this.#early.filter((e) => e.jobId !== jobId);
    for (const e of mine) e.apply();
  }

  #endWait(): void {
    if (--this.#waits === 0) this.#early = [];
  }

  async #act(call: (jobId: number) => Promise<{ jobId: number; state: JobState }>): Promise<void> {
    const jobId = this.#jobId;
    if (jobId === null) return;
    const seq = this.#stateSeq;
    const r = await call(jobId);
    if (r.jobId === this.#jobId && seq === this.#stateSeq) this.#state = r.state;
  }

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    const mine = (kind: JobKind) => (this.#kinds as readonly JobKind[]).includes(kind);
    this.#client.on('jobState', (e) => {
      if (mine(e.kind)) this.#deliver(e.jobId, () => this.#onState(e.state));
    });
    this.#client.on('jobProgress', (e) => {
      if (mine(e.kind)) this.#deliver(e.jobId, () => this.#onProgress(e.payload as ProgressOf<K>));
    });
    this.#client.on('jobFinished', (e) => {
      if (mine(e.kind)) this.#deliver(e.jobId, () => this.#onFinished(e.payload as FinishedOf<K>));
    });
  }

  #deliver(jobId: number, apply: () => void): void {
    if (jobId === this.#jobId) apply();
    else if (this.#waits > 0) {
      this.#early.push({ jobId, apply });
      if (this.#early.length > MAX_EARLY) this.#early.shift();
    }
  }

  #onState(state: JobState): void {
    this.#stateSeq++;
    this.#state = state;
  }

  #onProgress(payload: ProgressOf<K>): void {
    // A job that reports runs, also where no state event said so.
    if (this.#state === 'starting') this.#state = 'running';
    this.#progress = payload;
    this.#hooks.progress?.(payload);
  }

  #onFinished(payload: FinishedOf<K>): void {
    this.#finished = payload;
    this.#hooks.finished?.(payload);
  }
}
