// The Train view's dataset: the one chosen (in the link or the picker), else the default, and a
// sample of its images for the form's estimates. Derived from the dataset list, so a list that
// (re)loads never needs an effect to pick again.
import type { DatasetSummary, StudioClient } from '../../../src-main/core/api';
import { errorMessage } from './format';
import { factsOf, type DataFacts } from './families';

/** Where the dataset chosen last is remembered between visits. */
export const LAST_DATASET = 'latent-studio.train.dataset';
const SAMPLE_LIMIT = 200;

/** What the form's estimates read from a dataset's first images. */
export interface TypicalImage {
  width: number;
  height: number;
  channels: number;
  meanBytes: number | null;
  sampled: number;
  trainImages: number;
}

/**
 * No dataset chosen: the running training's, else the last one chosen here, else the first that
 * has images (never an empty one while another has images), else the first.
 */
export function defaultDataset(datasets: readonly DatasetSummary[], running: string | undefined, last: string | null): string {
  if (!datasets.length) return '';
  const listed = [running, last].find((n) => n && datasets.some((d) => d.name === n));
  return listed ?? (datasets.find((d) => d.images > 0) ?? datasets[0]!).name;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** One dataset's sample, read once when it is made; its fields fill in when the images arrive. */
export class DatasetSample {
  typical = $state.raw<TypicalImage | null>(null);
  error = $state<string | null>(null);
  /** The images are being read. */
  reading = $state(true);
  readonly done: Promise<void>;

  constructor(client: StudioClient, name: string, trainImages: () => number | undefined, onFacts: (facts: DataFacts, sample: DatasetSample) => void) {
    this.done = client.listImages({ dataset: name, limit: SAMPLE_LIMIT }).then(
      (r) => {
        this.reading = false;
        const imgs = r.images;
        if (imgs.length === 0) return;
        this.typical = {
          width: median(imgs.map((i) => i.width)),
          height: median(imgs.map((i) => i.height)),
          channels: imgs.every((i) => i.channels === 1) ? 1 : 3,
          meanBytes: imgs.reduce((s, i) => s + i.bytes, 0) / imgs.length,
          sampled: imgs.length,
          trainImages: trainImages() ?? imgs.length,
        };
        onFacts(factsOf({ ...this.typical, maxEdge: Math.max(...imgs.map((i) => Math.max(i.width, i.height))) }), this);
      },
      (e: unknown) => {
        this.reading = false;
        this.error = errorMessage(e);
      },
    );
  }
}

export interface TrainDatasetSources {
  datasets: () => readonly DatasetSummary[];
  /** The dataset of the training that is running, if one is. */
  running: () => string | undefined;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** A sample of the shown dataset arrived (the form follows it until edited). */
  onFacts: (facts: DataFacts) => void;
}

export class TrainDataset {
  readonly #client: StudioClient;
  readonly #from: TrainDatasetSources;
  /** Chosen in the link or the picker ('' none: the default). */
  #chosen = $state('');
  /** The sample shown now (plain: only compared, never rendered). */
  #current: DatasetSample | null = null;

  /** The dataset the form trains on ('' while the list is empty or loading). */
  name = $derived.by(() => this.#chosen || defaultDataset(this.#from.datasets(), this.#from.running(), this.#from.storage.getItem(LAST_DATASET)));

  /** The shown dataset's sample: a new name reads a new one (null without a dataset). */
  sample = $derived.by((): DatasetSample | null => {
    const name = this.name;
    if (!name) return (this.#current = null);
    return (this.#current = new DatasetSample(
      this.#client,
      name,
      () => this.#from.datasets().find((d) => d.name === name)?.splits.train,
      // A sample of a dataset no longer shown leaves the form alone.
      (facts, s) => s === this.#current && this.#from.onFacts(facts),
    ));
  });

  constructor(client: StudioClient, from: TrainDatasetSources, chosen = '') {
    this.#client = client;
    this.#from = from;
    this.#chosen = chosen;
  }

  /** The user picked a dataset: it stays chosen and is remembered for the next visit. */
  choose(name: string): void {
    this.#chosen = name;
    this.remember();
  }

  /** Remembers the shown dataset for the next visit (also a default, so it stays the default). */
  remember(): void {
    if (this.name) this.#from.storage.setItem(LAST_DATASET, this.name);
  }
}
