// Geometry of float images (imaging/pixels.ts makes them from 8-bit pixels): reflect padding to a
// multiple of the tile or downsampling factor, crops, pastes, and the split into tiles and back.
import type { FloatImage } from '../imaging/pixels.js';

/** Mirror index into [0, n): reflect without repeating the edge, periodic for any overshoot. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/** Reflect-pads to (height, width) (both >= the image's), extending right and bottom. */
export function padReflect(img: FloatImage, width: number, height: number): FloatImage {
  if (width === img.width && height === img.height) return img;
  const c = img.channels;
  const out = new Float32Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const sy = reflectIndex(y, img.height);
    for (let x = 0; x < width; x++) {
      const sx = reflectIndex(x, img.width);
      const s = (sy * img.width + sx) * c;
      const d = (y * width + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = img.data[s + k]!;
    }
  }
  return { data: out, width, height, channels: c };
}

export function crop(img: FloatImage, x0: number, y0: number, width: number, height: number): FloatImage {
  const c = img.channels;
  const out = new Float32Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const s = ((y0 + y) * img.width + x0) * c;
    out.set(img.data.subarray(s, s + width * c), y * width * c);
  }
  return { data: out, width, height, channels: c };
}

/** Pastes `src` into `dst` at (x0, y0). */
export function paste(dst: FloatImage, src: FloatImage, x0: number, y0: number): void {
  const c = dst.channels;
  for (let y = 0; y < src.height; y++) {
    const d = ((y0 + y) * dst.width + x0) * c;
    dst.data.set(src.data.subarray(y * src.width * c, (y + 1) * src.width * c), d);
  }
}

/** Splits an image whose sides are multiples of t into row-major t*t tiles, each flattened HWC. */
export function toTiles(img: FloatImage, t: number): { tiles: Float32Array; gh: number; gw: number } {
  const gh = img.height / t;
  const gw = img.width / t;
  const c = img.channels;
  const size = t * t * c;
  const tiles = new Float32Array(gh * gw * size);
  for (let ty = 0; ty < gh; ty++) {
    for (let tx = 0; tx < gw; tx++) {
      const base = (ty * gw + tx) * size;
      for (let y = 0; y < t; y++) {
        const s = ((ty * t + y) * img.width + tx * t) * c;
        tiles.set(img.data.subarray(s, s + t * c), base + y * t * c);
      }
    }
  }
  return { tiles, gh, gw };
}

export function fromTiles(tiles: Float32Array, gh: number, gw: number, t: number, c: number): FloatImage {
  const width = gw * t;
  const height = gh * t;
  const data = new Float32Array(width * height * c);
  const size = t * t * c;
  for (let ty = 0; ty < gh; ty++) {
    for (let tx = 0; tx < gw; tx++) {
      const base = (ty * gw + tx) * size;
      for (let y = 0; y < t; y++) {
        const d = ((ty * t + y) * width + tx * t) * c;
        data.set(tiles.subarray(base + y * t * c, base + (y + 1) * t * c), d);
      }
    }
  }
  return { data, width, height, channels: c };
}
