// The Charts view: stored evaluations, which of them are drawn (several models' curves can share
// a chart), and running a new evaluation or code-size sweep with progress (followed again after a
// reload). Classical codecs are the contract's default (all of them), not listed here.
import type { StudioClient } from '../../../src-main/core/api';
import type {
  CodeSizeProgress,
  CodeSizeSweepResult,
  EvalProgress,
  EvaluationResult,
  EvaluationSummary,
} from '../../../src-main/core/contract/eval';
import { errorMessage } from './format';
import { JobSession } from './job-session.svelte';
import { Loadable } from './loadable.svelte';
import { studio } from './studio';

/** Which images an evaluation measured: dataset, split and count (paths when no dataset). */
export function imagesKey(r: EvaluationResult): string {
  return r.dataset !== null ? `${r.dataset}|${r.split}|${r.images}` : `paths|${r.perImage.map((p) => p.path).join('|')}`;
}

function imagesText(r: EvaluationResult): string {
  return r.dataset !== null ? `${r.images} ${r.split ?? ''} images of ${r.dataset}` : `${r.images} given files`;
}

export class ChartsState {
  readonly #client: StudioClient;
  readonly list: Loadable<EvaluationSummary[]>;
  /** Evaluations drawn, in the order chosen; the first one also gives the classical curves. */
  #selected = $state<number[]>([]);
  #results = $state.raw<Record<number, EvaluationResult>>({});
  #resultError = $state<string | null>(null);
  #loadingResult = $state(false);
  /** Why the last selection replaced the others instead of joining them, if it did. */
  #notice = $state<string | null>(null);

  readonly #eval: JobSession<'eval'>;
  /** When the running evaluation's first progress came, and the count done then (for the ETA). */
  #etaFrom: { at: number; done: number } | null = null;
  #etaSeconds = $state<number | null>(null);
  /** From the start of an evaluation until its result is drawn (or it failed). */
  #running = $state(false);
  #runError = $state<string | null>(null);

  readonly #sweepJob: JobSession<'eval.codesize'>;
  #sweepRunning = $state(false);
  #sweepError = $state<string | null>(null);
  #sweep = $state.raw<CodeSizeSweepResult | null>(null);

  constructor(client: StudioClient) {
    this.#client = client;
    this.list = new Loadable(async () => (await client.listEvaluations({ limit: 200 })).evaluations);
    this.#eval = new JobSession(client, ['eval'], { progress: (p) => this.#onEvalProgress(p) });
    this.#sweepJob = new JobSession(client, ['eval.codesize']);
  }

  get selected(): number[] {
    return this.#selected;
  }
  get results(): Record<number, EvaluationResult> {
    return this.#results;
  }
  get resultError(): string | null {
    return this.#resultError;
  }
  get loadingResult(): boolean {
    return this.#loadingResult;
  }
  get notice(): string | null {
    return this.#notice;
  }
  get jobId(): number | null {
    return this.#eval.jobId;
  }
  get progress(): EvalProgress | null {
    return this.#eval.progress;
  }
  /** Seconds left, from the rate so far (null until two progress events). */
  get etaSeconds(): number | null {
    return this.#etaSeconds;
  }
  get running(): boolean {
    return this.#running;
  }
  /**
   * What cancelling the running evaluation costs, for its confirmation. The core keeps each measured
   * image as a job item (metrics/eval-jobs.ts), so only the image in progress is lost, and Resume continues.
   */
  get cancelLoses(): string {
    const p = this.#eval.progress;
    const kept = p
      ? `The ${p.imagesDone} of ${p.images} image${p.images === 1 ? '' : 's'} measured so far are kept`
      : 'Images already measured are kept';
    return `The image being measured is lost. ${kept}, and Resume in the Library continues from there; no curves are drawn until the evaluation finishes.`;
  }
  /** What cancelling the code-size sweep loses (finished code sizes are kept; resume continues). */
  get sweepCancelLoses(): string {
    const p = this.#sweepJob.progress;
    const done = p ? p.index + (p.phase === 'done' ? 1 : 0) : 0;
    const kept = p
      ? `The ${done} of ${p.count} code size${p.count === 1 ? '' : 's'} finished so far are kept`
      : 'Code sizes already finished are kept';
    return `The model being trained or measured now is lost. ${kept}, and Resume in the Library continues from there.`;
  }
  get runError(): string | null {
    return this.#runError;
  }
  get sweepJobId(): number | null {
    return this.#sweepJob.jobId;
  }
  get sweepProgress(): CodeSizeProgress | null {
    return this.#sweepJob.progress;
  }
  get sweepRunning(): boolean {
    return this.#sweepRunning;
  }
  get sweepError(): string | null {
    return this.#sweepError;
  }
  get sweep(): CodeSizeSweepResult | null {
    return this.#sweep;
  }

  shown(): EvaluationResult[] {
    return this.#selected.map((id) => this.#results[id]).filter((r): r is EvaluationResult => r !== undefined);
  }

  async toggle(id: number, on: boolean): Promise<void> {
    this.#notice = null;
    if (!on) {
      this.#selected = this.#selected.filter((x) => x !== id);
      return;
    }
    await this.fetch(id);
    const added = this.#results[id];
    const first = this.shown()[0];
    // Curves share a chart only when measured on the same images: the classical curves drawn come
    // from the first evaluation, and a model measured on other images would be judged against them.
    if (added && first && imagesKey(added) !== imagesKey(first)) {
      this.#selected = [id];
      this.#notice = `${added.name} was measured on other images (${imagesText(added)}) than ${first.name} (${imagesText(first)}): shown alone, since curves of different images cannot be compared.`;
      return;
    }
    if (!this.#selected.includes(id)) this.#selected = [...this.#selected, id];
  }

  async only(id: number): Promise<void> {
    this.#notice = null;
    this.#selected = [id];
    await this.fetch(id);
  }

  private async fetch(id: number): Promise<void> {
    if (this.#results[id]) return;
    this.#loadingResult = true;
    this.#resultError = null;
    try {
      const r = await this.#client.getEvaluation({ id });
      this.#results = { ...this.#results, [id]: r };
    } catch (e) {
      this.#resultError = errorMessage(e);
    } finally {
      this.#loadingResult = false;
    }
  }

  /** After a reload: follow an evaluation or a code-size sweep still running in the studio. */
  async attach(): Promise<void> {
    await Promise.all([this.#attachEval(), this.#attachSweep()]);
  }

  async #attachEval(): Promise<void> {
    if (this.#running) return;
    let found = false;
    try {
      const job = await this.#eval.attach({
        prepare: () => {
          found = true;
          this.#running = true;
          this.#runError = null;
          this.#etaFrom = null;
          this.#etaSeconds = null;
        },
      });
      if (job) await this.#finish();
    } catch (e) {
      // Not finding it only costs the live view; the evaluation itself goes on.
      if (found) this.#runError = errorMessage(e);
    } finally {
      if (found) this.#running = false;
    }
  }

  async #attachSweep(): Promise<void> {
    if (this.#sweepRunning) return;
    let found = false;
    try {
      const job = await this.#sweepJob.attach({
        prepare: () => {
          found = true;
          this.#sweepRunning = true;
          this.#sweepError = null;
          this.#sweep = null;
        },
      });
      if (job) await this.#finishSweep();
    } catch (e) {
      if (found) this.#sweepError = errorMessage(e);
    } finally {
      if (found) this.#sweepRunning = false;
    }
  }

  #onEvalProgress(p: EvalProgress): void {
    const now = Date.now();
    if (!this.#etaFrom) this.#etaFrom = { at: now, done: p.done };
    const done = p.done - this.#etaFrom.done;
    this.#etaSeconds = done > 0 ? (((now - this.#etaFrom.at) / 1000) * (p.total - p.done)) / done : null;
  }

  async evaluate(model: string, dataset: string, maxImages: number): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#runError = null;
    this.#etaFrom = null;
    this.#etaSeconds = null;
    try {
      await this.#eval.start('eval', () => this.#client.evaluateModel({ model, dataset, split: 'test', maxImages }));
      await this.#finish();
    } catch (e) {
      this.#runError = errorMessage(e);
    } finally {
      this.#running = false;
    }
  }

  /** Waits for the evaluation followed and shows its result. */
  async #finish(): Promise<void> {
    const outcome = await this.#eval.outcome();
    const r = outcome.result;
    if (!r) throw new Error(outcome.error ?? `the evaluation ${outcome.state}`);
    this.#results = { ...this.#results, [r.id]: r };
    const first = this.shown()[0];
    this.#selected = first && imagesKey(first) === imagesKey(r) ? [r.id, ...this.#selected.filter((x) => x !== r.id)] : [r.id];
    void this.list.load();
  }

  /** Train one model per code size on a dataset, evaluate each, then draw them all together. */
  async sweepCodeSizes(dataset: string, codeSizes: number[], epochs: number, maxImages: number): Promise<void> {
    if (this.#sweepRunning) return;
    this.#sweepRunning = true;
    this.#sweepError = null;
    this.#sweep = null;
    try {
      await this.#sweepJob.start('eval.codesize', () => this.#client.sweepCodeSizes({ dataset, codeSizes, train: { epochs }, maxImages }));
      await this.#finishSweep();
    } catch (e) {
      this.#sweepError = errorMessage(e);
    } finally {
      this.#sweepRunning = false;
    }
  }

  async #finishSweep(): Promise<void> {
    const outcome = await this.#sweepJob.outcome();
    const r = outcome.result;
    if (!r) throw new Error(outcome.error ?? `the sweep ${outcome.state}`);
    this.#sweep = r;
    const ids = r.rows.map((row) => row.evaluationId).filter((id): id is number => id !== null);
    this.#selected = [];
    for (const id of ids) await this.toggle(id, true);
    void this.list.load();
  }

  async cancelSweep(): Promise<void> {
    try {
      await this.#sweepJob.cancel();
    } catch (e) {
      this.#sweepError = errorMessage(e);
    }
  }

  async cancel(): Promise<void> {
    try {
      await this.#eval.cancel();
    } catch (e) {
      this.#runError = errorMessage(e);
    }
  }
}

export const charts = new ChartsState(studio);
