// Deterministic test images for the metrics tests (a seeded PRNG, no fixtures needed).
import type { RawImage } from '../../../src-main/core/imaging/index.js';

/** mulberry32: a small seeded PRNG so every run sees the same "random" pixels. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A smooth gradient with texture, so SSIM has structure to measure. */
export function texturedImage(width: number, height: number, channels: 1 | 3, seed = 1): RawImage {
  const r = rng(seed);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const v = 40 + (150 * x) / width + 30 * Math.sin((x + 2 * c) / 3) * Math.cos(y / 4) + 20 * r();
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return { data, width, height, channels };
}

export function mapPixels(img: RawImage, f: (v: number, i: number) => number): RawImage {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(f(img.data[i]!, i))));
  return { ...img, data };
}
