// "Load the sample": import the built-in handwritten digits as a dataset and fine-tune the built-in
// small-image base model on them for about a minute (from scratch where no base is shipped), so a
// newcomer sees a trained model and a comparison right away.
import type { ModelSummary, SampleInfo } from '../../../src-main/core/api';
import type { TrainRequest } from '../../../src-main/core/contract/engine';
import { basesFor, fittingBase } from './base-models';
import { defaultFamily, familyMeta } from './families';
import { errorMessage } from './format';
import { importing } from './import-session.svelte';
import { library } from './library.svelte';
import { studio } from './studio';
import { training } from './training.svelte';

/** One minute of training: the core picks the small-image family and starts from its base when shipped. */
export function sampleTrainRequest(dataset: string): TrainRequest {
  return { dataset, name: 'Sample digits', minutes: 1, seed: 1 };
}

/** The sample: gray 20x20 digits. */
const SAMPLE_FACTS = { channels: 1, maxEdge: 20, typical: { width: 20, height: 20 } } as const;

/** The built-in base the sample's training will start from (the core's rule), or null: from scratch. */
export function sampleBase(models: readonly ModelSummary[]): ModelSummary | null {
  const meta = familyMeta(defaultFamily(SAMPLE_FACTS.maxEdge));
  if (!meta?.learned) return null;
  const bases = basesFor(models, meta.name, SAMPLE_FACTS.channels);
  return fittingBase(bases, meta, meta.hyper({}, SAMPLE_FACTS) as Record<string, unknown>);
}

class SampleFlow {
  info = $state.raw<SampleInfo | null>(null);
  step = $state<'idle' | 'importing' | 'training' | 'done' | 'failed'>('idle');
  modelId = $state<string | null>(null);
  /** The model the sample's training started from (null: from scratch). */
  startedFrom = $state.raw<{ id: string; name: string } | null>(null);
  error = $state<string | null>(null);

  async check(): Promise<void> {
    try {
      this.info = await studio.getSample({});
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  async run(): Promise<void> {
    this.error = null;
    this.modelId = null;
    this.startedFrom = null;
    try {
      const info = await studio.getSample({});
      this.info = info;
      if (!info.path) throw new Error('this installation has no sample dataset (resources/sample/digits is missing)');
      this.step = 'importing';
      const summary = await importing.importPaths([info.path], info.dataset);
      if (!summary || summary.state !== 'done') throw new Error(importing.error ?? `import ${summary?.state ?? 'failed'}`);
      void library.refresh();
      this.step = 'training';
      await training.start(sampleTrainRequest(info.dataset));
      const result = await training.wait();
      this.modelId = result.model;
      this.startedFrom = result.startedFrom ?? null;
      this.step = 'done';
      void library.refresh();
    } catch (e) {
      this.step = 'failed';
      this.error = errorMessage(e);
    }
  }
}

export const sample = new SampleFlow();
