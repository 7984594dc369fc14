// The Compare view's selection and result: a model, one of its dataset's images, a quality, and
// the equal-size comparison the core computes (latent vs JPEG, WebP, AVIF at the same bytes).
import type { CatalogImage } from '../../../src-main/core/contract/catalog';
import type { EncodedImage, EqualSizeComparison, EqualSizeEntry } from '../../../src-main/core/contract/eval';
import { errorMessage } from './format';
import { studio } from './studio';

export function imageUrl(img: EncodedImage): string {
  return `data:${img.mime};base64,${img.base64}`;
}

class CompareState {
  modelId = $state('');
  dataset = $state<string | number | null>(null);
  images = $state.raw<CatalogImage[]>([]);
  imagesError = $state<string | null>(null);
  imagesLoading = $state(false);
  imagePath = $state('');
  quality = $state(75);
  result = $state.raw<EqualSizeComparison | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Which encoding is shown against the original: 'latent', 'jpeg', 'webp' or 'avif'. */
  shown = $state<string>('latent');
  private seq = 0;

  async loadImages(dataset: string | number): Promise<void> {
    this.dataset = dataset;
    this.imagesLoading = true;
    this.imagesError = null;
    try {
      let r = await studio.listImages({ dataset, split: 'test', limit: 48, withThumbnails: true });
      if (r.images.length === 0) r = await studio.listImages({ dataset, limit: 48, withThumbnails: true });
      this.images = r.images;
      if (!this.imagePath || !r.images.some((i) => i.path === this.imagePath)) this.imagePath = r.images[0]?.path ?? '';
    } catch (e) {
      this.imagesError = errorMessage(e);
      this.images = [];
    } finally {
      this.imagesLoading = false;
    }
  }

  async run(): Promise<void> {
    if (!this.modelId || !this.imagePath) return;
    const my = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const r = await studio.compareAtEqualSize({ model: this.modelId, imagePath: this.imagePath, quality: this.quality });
      if (my !== this.seq) return;
      this.result = r;
      if (this.shown !== 'latent' && !r.classical.some((c) => c.codec === this.shown)) this.shown = 'latent';
    } catch (e) {
      if (my === this.seq) {
        this.error = errorMessage(e);
        this.result = null;
      }
    } finally {
      if (my === this.seq) this.loading = false;
    }
  }

  entries(): EqualSizeEntry[] {
    return this.result ? [this.result.latent, ...this.result.classical] : [];
  }

  shownEntry(): EqualSizeEntry | null {
    return this.entries().find((e) => e.codec === this.shown) ?? this.result?.latent ?? null;
  }
}

export const compare = new CompareState();
