// The Compare view's selection and result: a model, one of its dataset's images, a quality, and
// the equal-size comparison the core computes (latent vs JPEG, WebP, AVIF at the same bytes).
// One comparison runs at a time: a change made meanwhile (the slider moved again) waits and then
// runs once for the latest selection, so the studio never works through stale requests.
import type { StudioClient } from '../../../src-main/core/api';
import type { CatalogImage } from '../../../src-main/core/contract/catalog';
import type { CompareProgress, EncodedImage, EqualSizeComparison, EqualSizeEntry } from '../../../src-main/core/contract/eval';
import { errorMessage } from './format';
import { library } from './library.svelte';
import { studio } from './studio';

export function imageUrl(img: EncodedImage): string {
  return `data:${img.mime};base64,${img.base64}`;
}

export class CompareState {
  readonly #client: StudioClient;
  /** The catalog's models, the newest first: the model compared when none was chosen (none in a test). */
  readonly #models: () => readonly { id: string }[];
  /** The model chosen in the view or by a link ('' none yet). */
  #modelId = $state('');
  // The selection: the view binds these.
  imagePath = $state('');
  quality = $state(75);
  /** Which encoding is shown against the original: 'latent', 'jpeg', 'webp' or 'avif'. */
  shown = $state<string>('latent');
  // What the studio answered: read-only for the view.
  #dataset = $state<string | number | null>(null);
  #images = $state.raw<CatalogImage[]>([]);
  #imagesError = $state<string | null>(null);
  #imagesLoading = $state(false);
  #result = $state.raw<EqualSizeComparison | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #progress = $state.raw<CompareProgress | null>(null);
  private running: { model: string; path: string; quality: number } | null = null;
  private again = false;
  private seq = 0;

  private subscribed = false;

  constructor(client: StudioClient, models: () => readonly { id: string }[] = () => []) {
    this.#client = client;
    this.#models = models;
  }

  /** The model compared: the one chosen, else the newest of the catalog. */
  get modelId(): string {
    return this.#modelId || (this.#models()[0]?.id ?? '');
  }
  set modelId(id: string) {
    this.#modelId = id;
  }

  /** A comparison is one call, not a job: its progress events name the request they belong to. */
  private subscribe(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.#client.on('compareProgress', (p) => {
      const r = this.running;
      if (r && p.model === r.model && p.path === r.path && p.quality === r.quality) this.#progress = p;
    });
  }

  get dataset(): string | number | null {
    return this.#dataset;
  }
  get images(): CatalogImage[] {
    return this.#images;
  }
  get imagesError(): string | null {
    return this.#imagesError;
  }
  get imagesLoading(): boolean {
    return this.#imagesLoading;
  }
  get result(): EqualSizeComparison | null {
    return this.#result;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The running comparison's step ("AVIF closest to 12 KB", 3 of 5). */
  get progress(): CompareProgress | null {
    return this.#progress;
  }

  async loadImages(dataset: string | number): Promise<void> {
    this.#dataset = dataset;
    this.#imagesLoading = true;
    this.#imagesError = null;
    try {
      let r = await this.#client.listImages({ dataset, split: 'test', limit: 48, withThumbnails: true });
      if (r.images.length === 0) r = await this.#client.listImages({ dataset, limit: 48, withThumbnails: true });
      this.#images = r.images;
      if (!this.imagePath || !r.images.some((i) => i.path === this.imagePath)) this.imagePath = r.images[0]?.path ?? '';
    } catch (e) {
      this.#imagesError = errorMessage(e);
      this.#images = [];
    } finally {
      this.#imagesLoading = false;
    }
  }

  async run(): Promise<void> {
    if (!this.modelId || !this.imagePath) return;
    this.subscribe();
    if (this.running) {
      this.again = true;
      return;
    }
    const req = { model: this.modelId, path: this.imagePath, quality: this.quality };
    const my = ++this.seq;
    this.running = req;
    this.again = false;
    this.#progress = null;
    this.#loading = true;
    this.#error = null;
    try {
      const r = await this.#client.compareAtEqualSize({ model: req.model, imagePath: req.path, quality: req.quality });
      if (my !== this.seq) return;
      this.#result = r;
      if (this.shown !== 'latent' && !r.classical.some((c) => c.codec === this.shown)) this.shown = 'latent';
    } catch (e) {
      if (my === this.seq) {
        this.#error = errorMessage(e);
        this.#result = null;
      }
    } finally {
      this.running = null;
      this.#progress = null;
      const changed = req.model !== this.modelId || req.path !== this.imagePath || req.quality !== this.quality;
      if (this.again && changed) void this.run();
      else if (my === this.seq) this.#loading = false;
    }
  }

  entries(): EqualSizeEntry[] {
    return this.result ? [this.result.latent, ...this.result.classical] : [];
  }

  shownEntry(): EqualSizeEntry | null {
    return this.entries().find((e) => e.codec === this.shown) ?? this.result?.latent ?? null;
  }
}

export const compare = new CompareState(studio, () => library.models.value ?? []);
