// The Charts view: stored evaluations, which of them are drawn (several models' curves can share
// a chart), and running a new evaluation with progress.
import type {
  CodeSizeProgress,
  CodeSizeSweepResult,
  EvalProgress,
  EvaluationResult,
  EvaluationSummary,
} from '../../../src-main/core/contract/eval';
import { errorMessage } from './format';
import { Loadable } from './loadable.svelte';
import { studio } from './studio';

/** Which images an evaluation measured: dataset, split and count (paths when no dataset). */
export function imagesKey(r: EvaluationResult): string {
  return r.dataset !== null ? `${r.dataset}|${r.split}|${r.images}` : `paths|${r.perImage.map((p) => p.path).join('|')}`;
}

function imagesText(r: EvaluationResult): string {
  return r.dataset !== null ? `${r.images} ${r.split ?? ''} images of ${r.dataset}` : `${r.images} given files`;
}

class ChartsState {
  list = new Loadable<EvaluationSummary[]>(async () => (await studio.listEvaluations({ limit: 200 })).evaluations);
  /** Evaluations drawn, in the order chosen; the first one also gives the classical curves. */
  selected = $state<number[]>([]);
  results = $state.raw<Record<number, EvaluationResult>>({});
  resultError = $state<string | null>(null);
  loadingResult = $state(false);

  jobId = $state<number | null>(null);
  progress = $state.raw<EvalProgress | null>(null);
  /** When the running evaluation's first progress came, and the count done then (for the ETA). */
  private etaFrom: { at: number; done: number } | null = null;
  /** Seconds left, from the rate so far (null until two progress events). */
  etaSeconds = $state<number | null>(null);
  running = $state(false);
  runError = $state<string | null>(null);
  private subscribed = false;

  sweepJobId = $state<number | null>(null);
  sweepProgress = $state.raw<CodeSizeProgress | null>(null);
  sweepRunning = $state(false);
  sweepError = $state<string | null>(null);
  sweep = $state.raw<CodeSizeSweepResult | null>(null);
  private sweepSubscribed = false;

  shown(): EvaluationResult[] {
    return this.selected.map((id) => this.results[id]).filter((r): r is EvaluationResult => r !== undefined);
  }

  /** Why the last selection replaced the others instead of joining them, if it did. */
  notice = $state<string | null>(null);

  async toggle(id: number, on: boolean): Promise<void> {
    this.notice = null;
    if (!on) {
      this.selected = this.selected.filter((x) => x !== id);
      return;
    }
    await this.fetch(id);
    const added = this.results[id];
    const first = this.shown()[0];
    // Curves share a chart only when measured on the same images: the classical curves drawn come
    // from the first evaluation, and a model measured on other images would be judged against them.
    if (added && first && imagesKey(added) !== imagesKey(first)) {
      this.selected = [id];
      this.notice = `${added.name} was measured on other images (${imagesText(added)}) than ${first.name} (${imagesText(first)}): shown alone, since curves of different images cannot be compared.`;
      return;
    }
    if (!this.selected.includes(id)) this.selected = [...this.selected, id];
  }

  async only(id: number): Promise<void> {
    this.notice = null;
    this.selected = [id];
    await this.fetch(id);
  }

  private async fetch(id: number): Promise<void> {
    if (this.results[id]) return;
    this.loadingResult = true;
    this.resultError = null;
    try {
      const r = await studio.getEvaluation({ id });
      this.results = { ...this.results, [id]: r };
    } catch (e) {
      this.resultError = errorMessage(e);
    } finally {
      this.loadingResult = false;
    }
  }

  /** After a reload: follow an evaluation still running in the studio (started by this view before). */
  async attach(): Promise<void> {
    if (this.running || this.jobId !== null) return;
    try {
      const { jobs } = await studio.listJobs({ kind: 'eval', state: 'running', limit: 5 });
      const live = jobs[0];
      if (!live || this.running) return;
      this.subscribeProgress();
      this.running = true;
      this.jobId = live.id;
      await this.finish(live.id);
    } catch {
      // Not finding it only costs the live view; the evaluation itself goes on.
    }
  }

  private subscribeProgress(): void {
    if (!this.subscribed) {
      this.subscribed = true;
      studio.on('evalProgress', (p) => {
        if (p.jobId !== this.jobId) return;
        this.progress = p;
        const now = Date.now();
        if (!this.etaFrom) this.etaFrom = { at: now, done: p.done };
        const done = p.done - this.etaFrom.done;
        this.etaSeconds = done > 0 ? (((now - this.etaFrom.at) / 1000) * (p.total - p.done)) / done : null;
      });
    }
  }

  async evaluate(model: string, dataset: string, maxImages: number): Promise<void> {
    this.subscribeProgress();
    this.running = true;
    this.runError = null;
    this.progress = null;
    this.etaFrom = null;
    this.etaSeconds = null;
    try {
      const started = await studio.evaluateModel({ model, dataset, split: 'test', maxImages, codecs: ['jpeg', 'webp', 'avif'] });
      this.jobId = started.jobId;
      await this.finish(started.jobId);
    } catch (e) {
      this.runError = errorMessage(e);
      this.running = false;
    }
  }

  /** Waits for an evaluation job and shows its result. */
  private async finish(jobId: number): Promise<void> {
    try {
      const r = await studio.awaitEvaluation({ jobId });
      this.results = { ...this.results, [r.id]: r };
      const first = this.shown()[0];
      this.selected = first && imagesKey(first) === imagesKey(r) ? [r.id, ...this.selected.filter((x) => x !== r.id)] : [r.id];
      void this.list.load();
    } catch (e) {
      this.runError = errorMessage(e);
    } finally {
      this.running = false;
    }
  }

  /** Train one model per code size on a dataset, evaluate each, then draw them all together. */
  async sweepCodeSizes(dataset: string, codeSizes: number[], epochs: number, maxImages: number): Promise<void> {
    if (!this.sweepSubscribed) {
      this.sweepSubscribed = true;
      studio.on('codeSizeProgress', (p) => {
        if (p.jobId === this.sweepJobId) this.sweepProgress = p;
      });
    }
    this.sweepRunning = true;
    this.sweepError = null;
    this.sweepProgress = null;
    this.sweep = null;
    try {
      const started = await studio.sweepCodeSizes({ dataset, codeSizes, train: { epochs }, maxImages, codecs: ['jpeg', 'webp', 'avif'] });
      this.sweepJobId = started.jobId;
      const r = await studio.awaitCodeSizeSweep({ jobId: started.jobId });
      this.sweep = r;
      const ids = r.rows.map((row) => row.evaluationId).filter((id): id is number => id !== null);
      this.selected = [];
      for (const id of ids) await this.toggle(id, true);
      void this.list.load();
    } catch (e) {
      this.sweepError = errorMessage(e);
    } finally {
      this.sweepRunning = false;
    }
  }

  async cancelSweep(): Promise<void> {
    if (this.sweepJobId === null) return;
    try {
      await studio.cancelCodeSizeSweep({ jobId: this.sweepJobId });
    } catch (e) {
      this.sweepError = errorMessage(e);
    }
  }

  async cancel(): Promise<void> {
    if (this.jobId === null) return;
    try {
      await studio.cancelEvaluation({ jobId: this.jobId });
    } catch (e) {
      this.runError = errorMessage(e);
    }
  }
}

export const charts = new ChartsState();
