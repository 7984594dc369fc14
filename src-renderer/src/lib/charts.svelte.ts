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

class ChartsState {
  list = new Loadable<EvaluationSummary[]>(async () => (await studio.listEvaluations({ limit: 200 })).evaluations);
  /** Evaluations drawn, in the order chosen; the first one also gives the classical curves. */
  selected = $state<number[]>([]);
  results = $state.raw<Record<number, EvaluationResult>>({});
  resultError = $state<string | null>(null);
  loadingResult = $state(false);

  jobId = $state<number | null>(null);
  progress = $state.raw<EvalProgress | null>(null);
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

  async toggle(id: number, on: boolean): Promise<void> {
    if (!on) {
      this.selected = this.selected.filter((x) => x !== id);
      return;
    }
    if (!this.selected.includes(id)) this.selected = [...this.selected, id];
    await this.fetch(id);
  }

  async only(id: number): Promise<void> {
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

  async evaluate(model: string, dataset: string, maxImages: number): Promise<void> {
    if (!this.subscribed) {
      this.subscribed = true;
      studio.on('evalProgress', (p) => {
        if (p.jobId === this.jobId) this.progress = p;
      });
    }
    this.running = true;
    this.runError = null;
    this.progress = null;
    try {
      const started = await studio.evaluateModel({ model, dataset, split: 'test', maxImages, codecs: ['jpeg', 'webp', 'avif'] });
      this.jobId = started.jobId;
      const r = await studio.awaitEvaluation({ jobId: started.jobId });
      this.results = { ...this.results, [r.id]: r };
      this.selected = [r.id, ...this.selected.filter((x) => x !== r.id)];
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
