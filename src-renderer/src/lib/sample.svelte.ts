// "Load the sample": import the built-in handwritten digits as a dataset and train a small dense
// model on them (seconds), so a newcomer sees a trained model and a comparison right away.
import type { SampleInfo } from '../../../src-main/core/api';
import type { TrainRequest } from '../../../src-main/core/contract/engine';
import { errorMessage } from './format';
import { importing } from './import-session.svelte';
import { library } from './library.svelte';
import { studio } from './studio';
import { training } from './training.svelte';

/** The digits preset, trained long enough to look like digits and short enough for a first run. */
export function sampleTrainRequest(dataset: string): TrainRequest {
  return {
    dataset,
    name: 'Sample digits · dense 32',
    arch: 'dense',
    codeSize: 32,
    layers: [256, 64],
    loss: 'bce',
    tile: 0,
    epochs: 60,
    batchSize: 64,
    seed: 1,
  };
}

class SampleFlow {
  info = $state.raw<SampleInfo | null>(null);
  step = $state<'idle' | 'importing' | 'training' | 'done' | 'failed'>('idle');
  modelId = $state<string | null>(null);
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
      this.step = 'done';
      void library.refresh();
    } catch (e) {
      this.step = 'failed';
      this.error = errorMessage(e);
    }
  }
}

export const sample = new SampleFlow();
