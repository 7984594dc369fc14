// The one runner of catalog jobs, for every kind (declaration.ts): claims the job, starts its
// work, relays progress, pauses (reporting 'paused' only once the work has stopped), resumes,
// cancels, records the end, and answers awaitJob. A job whose process died is 'interrupted'
// (the catalog marks it when next opened) and resume() runs it again: each kind's work skips the
// units its items record. Jobs of a group (batches) run one at a time, the others wait 'queued'.
import { getCatalog, type Catalog, type JobRecord } from '../catalog/index.js';
import { heldElsewhere, isHeldElsewhere } from '../catalog/repos/jobs.js';
import type { JobState } from '../contract/catalog.js';
import { StudioError } from '../contract/errors.js';
import type { JobEndState, JobKind, JobOutcome } from '../contract/jobs.js';
import type { CoreContext } from '../context.js';
import type { AnyJobDeclaration, JobRun, JobWork, WorkEnd } from './declaration.js';

interface Live {
  decl: AnyJobDeclaration;
  /** Undefined while the job waits for its group. */
  work?: JobWork<unknown>;
  paused: boolean;
  why?: 'cancel' | 'close';
  end: Promise<JobOutcome>;
  settle(o: JobOutcome): void;
  fail(err: unknown): void;
}

export class JobRunner {
  private readonly catalog: Catalog;
  private readonly live = new Map<number, Live>();
  /** Per group: jobs waiting their turn, oldest first. */
  private readonly waiting = new Map<string, number[]>();
  private closing = false;

  constructor(private readonly ctx: CoreContext) {
    // Taken first so the catalog outlives the runner when the studio closes (reverse order).
    this.catalog = getCatalog(ctx);
  }

  /** Stores a new job of this kind and runs it (or queues it behind its group). */
  start<I>(decl: AnyJobDeclaration, input: I, total: number | null = null): { jobId: number; state: JobState } {
    if (this.closing) throw new StudioError('conflict', 'the studio is closing');
    const job = this.catalog.jobs.create({ kind: decl.kind, input, total });
    return { jobId: job.id, state: this.launch(decl, job.id) };
  }

  /** Continues a job: a paused one here goes on; any other that is not done runs again. */
  async resume(decl: AnyJobDeclaration, jobId: number): Promise<JobState> {
    const live = this.live.get(jobId);
    if (live) {
      if (live.paused && live.work?.resume) {
        await live.work.resume();
        live.paused = false;
        this.setState(decl, jobId, 'running');
      }
      return live.work ? 'running' : 'queued';
    }
    const job = this.require(decl, jobId);
    if (job.state === 'done') throw new StudioError('conflict', `job ${jobId} is already done`);
    if (isHeldElsewhere(job)) throw new StudioError('conflict', heldElsewhere(job));
    return this.launch(decl, jobId);
  }

  /** Pauses after the unit in progress; resolves once the work has stopped there. */
  async pause(decl: AnyJobDeclaration, jobId: number): Promise<JobState> {
    const refusal = decl.pauseRefusal ? decl.pauseRefusal(this.ctx, jobId) : `${decl.label} jobs cannot be paused`;
    if (refusal !== undefined)
      throw new StudioError('unsupported', `job ${jobId}: ${refusal}; cancelJob stops one and resumeJob continues it later`);
    const live = this.live.get(jobId);
    if (live && !live.work) {
      // Waiting for its group: it leaves the queue and stays paused until resumed.
      this.unqueue(decl, jobId);
      this.live.delete(jobId);
      this.setState(decl, jobId, 'paused');
      live.settle(this.outcomeOf(decl, this.require(decl, jobId)));
      return 'paused';
    }
    if (!live?.work?.pause) {
      const job = this.require(decl, jobId);
      throw new StudioError(
        'conflict',
        `job ${jobId} is ${job.state}${isHeldElsewhere(job) ? ' in another studio' : ''}, not running here`,
      );
    }
    if (!live.paused) {
      live.paused = true;
      await live.work.pause();
      // It may have ended meanwhile (the last unit was in progress): then it is not paused.
      if (this.live.get(jobId) !== live) return this.require(decl, jobId).state;
      this.setState(decl, jobId, 'paused');
    }
    return 'paused';
  }

  /** Stops a job after the unit in progress, or drops one that does not run; false: nothing to cancel. */
  async cancel(decl: AnyJobDeclaration, jobId: number): Promise<boolean> {
    const live = this.live.get(jobId);
    if (live?.work) {
      live.why = 'cancel';
      live.work.cancel();
      return true;
    }
    if (live) {
      // Waiting for its group: it ends here as a run would, its end recorded by its declaration.
      this.unqueue(decl, jobId);
      const job = this.require(decl, jobId);
      await this.end(live, this.runOf(live, job, job, this.parse(decl, job)), { ok: false, state: 'cancelled', error: 'cancelled' });
      return true;
    }
    const job = this.require(decl, jobId);
    if (job.state === 'done' || job.state === 'cancelled') return false;
    if (isHeldElsewhere(job)) throw new StudioError('conflict', heldElsewhere(job));
    this.catalog.jobs.finish(jobId, 'cancelled', { error: 'cancelled', ...(job.result ? { result: job.result } : {}) });
    await decl.discard?.(this.ctx, jobId);
    this.setState(decl, jobId, 'cancelled');
    return true;
  }

  /**
   * Ends a running job's work at once, as a crash of its worker would: nothing of the unit in
   * progress is recorded and the job fails; resume() continues after its last recorded unit.
   */
  async terminate(decl: AnyJobDeclaration, jobId: number): Promise<void> {
    const work = this.live.get(jobId)?.work;
    if (!work?.terminate) throw new StudioError('conflict', `job ${jobId}: no ${decl.label} work of it runs here to end`);
    await work.terminate();
  }

  /** Resolves when the job ends here, or at once with the stored outcome of an ended job. */
  async wait(decl: AnyJobDeclaration, jobId: number): Promise<JobOutcome> {
    const live = this.live.get(jobId);
    if (live) return live.end;
    const job = this.require(decl, jobId);
    if (isHeldElsewhere(job)) throw new StudioError('conflict', heldElsewhere(job));
    if (job.state === 'running' || job.state === 'paused' || job.state === 'queued')
      throw new StudioError('conflict', `job ${jobId} is ${job.state} but not in this studio; resumeJob runs it here`);
    return this.outcomeOf(decl, job);
  }

  /** The catalog the runner records in (the studio's). */
  catalogOf(): Catalog {
    return this.catalog;
  }

  isLive(jobId: number): boolean {
    return this.live.has(jobId);
  }

  /**
   * The declaration a job runs on here now (undefined when it does not run here). A kind can have
   * more than one (a batch runs on the local pool or on the Redis queue): a live job's operations
   * go to the one it was started with.
   */
  declarationOf(jobId: number): AnyJobDeclaration | undefined {
    return this.live.get(jobId)?.decl;
  }

  /** Studio closing: running jobs stop and stay resumable ('interrupted'); waiting ones stay 'queued'. */
  async dispose(): Promise<void> {
    this.closing = true;
    this.waiting.clear();
    const all = [...this.live.values()];
    for (const l of all) {
      if (!l.work) l.fail(new StudioError('cancelled', 'the studio closed before it ran'));
      else {
        l.why = 'close';
        l.work.cancel();
      }
    }
    await Promise.allSettled(all.map((l) => l.end));
  }

  private require(decl: AnyJobDeclaration, jobId: number): JobRecord {
    const job = this.catalog.jobs.require(jobId);
    if (job.kind !== decl.kind) throw new StudioError('bad-request', `job ${jobId} is a ${job.kind} job, not ${decl.label}`);
    return job;
  }

  private parse(decl: AnyJobDeclaration, job: JobRecord): unknown {
    const parsed = decl.input.safeParse(job.input);
    if (!parsed.success)
      throw new StudioError('internal', `job ${job.id}: its stored ${decl.label} input is malformed (made by another version?)`);
    return parsed.data;
  }

  private outcomeOf(decl: AnyJobDeclaration, job: JobRecord): JobOutcome {
    const result = decl.stored(this.catalog, job, this.parse(decl, job));
    const state = (['done', 'failed', 'cancelled', 'interrupted'].includes(job.state) ? job.state : 'interrupted') as JobEndState;
    return {
      jobId: job.id,
      kind: decl.kind,
      state,
      ...(result !== undefined ? { result } : {}),
      ...(job.error ? { error: job.error } : {}),
    } as JobOutcome;
  }

  private setState(decl: AnyJobDeclaration, jobId: number, state: JobState): void {
    if (state === 'running' || state === 'paused' || state === 'queued') this.catalog.jobs.setState(jobId, state);
    this.ctx.emit('jobState', { jobId, kind: decl.kind as JobKind, state });
  }

  /** Runs the job now, or queues it behind the running job of its group. */
  private launch(decl: AnyJobDeclaration, jobId: number): JobState {
    if (this.closing) throw new StudioError('conflict', 'the studio is closing');
    if (this.live.has(jobId)) throw new StudioError('conflict', `job ${jobId} is already running`);
    let settle!: Live['settle'];
    let fail!: Live['fail'];
    const end = new Promise<JobOutcome>((res, rej) => {
      settle = res;
      fail = rej;
    });
    end.catch(() => {}); // observed through awaitJob or the events
    const live: Live = { decl, paused: false, end, settle, fail };
    const group = decl.group;
    if (group && [...this.live.values()].some((l) => l.decl.group === group && l.work)) {
      this.live.set(jobId, live);
      this.waiting.set(group, [...(this.waiting.get(group) ?? []), jobId]);
      this.setState(decl, jobId, 'queued');
      return 'queued';
    }
    this.live.set(jobId, live);
    try {
      this.run(live, jobId);
    } catch (err) {
      this.live.delete(jobId);
      fail(err);
      throw err;
    }
    return 'running';
  }

  private unqueue(decl: AnyJobDeclaration, jobId: number): void {
    if (!decl.group) return;
    const q = this.waiting.get(decl.group) ?? [];
    this.waiting.set(
      decl.group,
      q.filter((id) => id !== jobId),
    );
  }

  /** Claims the job and starts its work; the end is recorded when the work settles. */
  private run(live: Live, jobId: number): void {
    const { decl } = live;
    const before = this.require(decl, jobId);
    const input = this.parse(decl, before);
    const job = this.catalog.jobs.claim(jobId, decl.sameWork ? { sameWork: decl.sameWork(input) } : {});
    this.ctx.emit('jobState', { jobId, kind: decl.kind as JobKind, state: 'running' });
    const run = this.runOf(live, job, before, input);
    const work = decl.run(run);
    live.work = work;
    void work.result
      .then(
        (value): WorkEnd<unknown> => ({ ok: true, value }),
        (err: unknown): WorkEnd<unknown> => {
          const cancelled = live.why !== undefined || (err instanceof StudioError && err.code === 'cancelled');
          if (live.why === 'close') return { ok: false, state: 'interrupted', error: 'the studio closed' };
          if (cancelled) return { ok: false, state: 'cancelled', error: 'cancelled' };
          return { ok: false, state: 'failed', error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
        },
      )
      .then((end) => this.end(live, run, end));
  }

  private runOf(live: Live, job: JobRecord, before: JobRecord, input: unknown): JobRun<JobKind, unknown> {
    const { decl } = live;
    const jobId = job.id;
    return {
      ctx: this.ctx,
      catalog: this.catalog,
      jobId,
      kind: decl.kind,
      input,
      job,
      before,
      progress: (payload) => {
        this.ctx.emit('jobProgress', { jobId, kind: decl.kind, payload } as Parameters<CoreContext['emit']>[1] & never);
      },
      stopping: () => live.why,
    };
  }

  private async end(live: Live, run: JobRun<JobKind, unknown>, end: WorkEnd<unknown>): Promise<void> {
    const { decl } = live;
    const { jobId } = run;
    let ending;
    try {
      ending = await decl.end(run, end);
    } catch (err) {
      ending = await decl.end(run, { ok: false, state: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
    this.live.delete(jobId);
    this.catalog.jobs.finish(jobId, ending.state, {
      ...(ending.stored !== undefined ? { result: ending.stored } : {}),
      ...(ending.error ? { error: ending.error } : {}),
    });
    this.setState(decl, jobId, ending.state);
    this.ctx.emit('jobFinished', { jobId, kind: decl.kind, payload: ending.finished } as Parameters<CoreContext['emit']>[1] & never);
    live.settle({
      jobId,
      kind: decl.kind,
      state: ending.state,
      ...(ending.result !== undefined ? { result: ending.result } : {}),
      ...(ending.error ? { error: ending.error } : {}),
    } as JobOutcome);
    if (decl.group) this.next(decl.group);
  }

  /** The group's next waiting job, if any. */
  private next(group: string): void {
    if (this.closing || [...this.live.values()].some((l) => l.decl.group === group && l.work)) return;
    const q = this.waiting.get(group) ?? [];
    const jobId = q.shift();
    if (jobId === undefined) return;
    const live = this.live.get(jobId);
    if (!live) return this.next(group);
    try {
      this.run(live, jobId);
    } catch (err) {
      // Not claimed (done meanwhile, or held by another studio): it did not run; the next may.
      this.live.delete(jobId);
      live.fail(err);
      this.next(group);
    }
  }
}

export function jobRunner(ctx: CoreContext): JobRunner {
  return ctx.resource(
    'jobs.runner',
    () => new JobRunner(ctx),
    (r) => r.dispose(),
  );
}
