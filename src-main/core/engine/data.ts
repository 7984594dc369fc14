// Training samples from image files, streamed: files are decoded in small chunks as an epoch
// walks them (a bounded cache keeps small datasets decoded), cut into samples (whole tiles or
// random crops), shuffled within the chunk and handed out as batches.
import { abortError } from '../workers/task.js';
import { readImage } from '../imaging/index.js';
import { toFloat, type FloatImage } from '../imaging/pixels.js';
import { padReflect, crop } from './float-image.js';
import { shuffleInPlace } from './random.js';

export interface SampleSpec {
  channels: 1 | 3;
  /** Edge of each (square) sample in pixels: the dense tile, or the conv crop. */
  size: number;
  /** Random crops per image per epoch when the image is larger than a sample. */
  cropsPerImage: number;
  /** Largest image read (default DEFAULT_MAX_PIXELS; the training's limit, train-plan.ts). */
  maxPixels?: number;
  /** A cancelled training stops before its next decode, not only at its first batch (decoding photos takes a while). */
  signal?: AbortSignal;
}

const CHUNK_FILES = 32;
const DEFAULT_CACHE_BYTES = 1024 * 1024 * 1024;

export class ImageSource {
  private readonly cache = new Map<string, FloatImage>();
  private cacheBytes = 0;

  constructor(
    private readonly spec: SampleSpec,
    private readonly maxCacheBytes = DEFAULT_CACHE_BYTES,
  ) {}

  async load(file: string): Promise<FloatImage> {
    const hit = this.cache.get(file);
    if (hit) return hit;
    if (this.spec.signal?.aborted) throw abortError();
    // Decoded as the file is, converted by the one pixel conversion, as compression converts it.
    const { maxPixels } = this.spec;
    const img = toFloat(await readImage(file, { channels: 'keep', ...(maxPixels !== undefined ? { maxPixels } : {}) }), this.spec.channels);
    const bytes = img.data.byteLength;
    if (this.cacheBytes + bytes <= this.maxCacheBytes) {
      this.cache.set(file, img);
      this.cacheBytes += bytes;
    }
    return img;
  }

  /** Samples of one image: the whole image when it is exactly one sample, else random crops. */
  samples(img: FloatImage, rand: () => number, count = this.spec.cropsPerImage): Float32Array[] {
    const s = this.spec.size;
    const src = img.width < s || img.height < s ? padReflect(img, Math.max(s, img.width), Math.max(s, img.height)) : img;
    if (src.width === s && src.height === s) return [src.data];
    const out: Float32Array[] = [];
    for (let i = 0; i < count; i++) {
      const x = Math.floor(rand() * (src.width - s + 1));
      const y = Math.floor(rand() * (src.height - s + 1));
      out.push(crop(src, x, y, s, s).data);
    }
    return out;
  }

  /** A fixed, deterministic sample set (centre crops) for validation. */
  async fixedSamples(files: string[], max: number): Promise<Float32Array[]> {
    const s = this.spec.size;
    const out: Float32Array[] = [];
    for (const f of files) {
      if (out.length >= max) break;
      const img = await this.load(f);
      const src = img.width < s || img.height < s ? padReflect(img, Math.max(s, img.width), Math.max(s, img.height)) : img;
      out.push(crop(src, Math.floor((src.width - s) / 2), Math.floor((src.height - s) / 2), s, s).data);
    }
    return out;
  }

  /** One epoch of batches over `files` (shuffled with `rand`). Unreadable files are skipped and reported. */
  async *epoch(
    files: string[],
    batchSize: number,
    rand: () => number,
    onSkip: (file: string, reason: string) => void,
  ): AsyncGenerator<{ data: Float32Array; count: number }> {
    const order = shuffleInPlace([...files], rand);
    const sampleSize = this.spec.size * this.spec.size * this.spec.channels;
    let pending: Float32Array[] = [];
    for (let i = 0; i < order.length; i += CHUNK_FILES) {
      const chunk = order.slice(i, i + CHUNK_FILES);
      for (const f of chunk) {
        try {
          pending.push(...this.samples(await this.load(f), rand));
        } catch (err) {
          // Cancelled: the training stops here; an unreadable file is skipped.
          if (this.spec.signal?.aborted) throw err;
          onSkip(f, (err as Error).message);
        }
      }
      shuffleInPlace(pending, rand);
      while (pending.length >= batchSize) {
        yield pack(pending.splice(0, batchSize), sampleSize);
      }
    }
    if (pending.length > 0) yield pack(pending, sampleSize);
    pending = [];
  }
}

function pack(samples: Float32Array[], sampleSize: number): { data: Float32Array; count: number } {
  const data = new Float32Array(samples.length * sampleSize);
  samples.forEach((s, i) => data.set(s, i * sampleSize));
  return { data, count: samples.length };
}
