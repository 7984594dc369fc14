// Pixel access for the compare view: decode a data:/blob: image into a canvas we can draw at
// any zoom, and build the difference heatmap between two images of the same size.

export interface LoadedPixels {
  canvas: HTMLCanvasElement;
  data: ImageData;
  width: number;
  height: number;
}

export async function loadPixels(src: string): Promise<LoadedPixels> {
  const img = new Image();
  img.decoding = 'async';
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { canvas, data, width: canvas.width, height: canvas.height };
}

/** A perceptually ordered dark-to-bright ramp (black, purple, red, orange, yellow, white). */
const STOPS: [number, number, number, number][] = [
  [0, 0, 0, 4],
  [0.25, 87, 16, 110],
  [0.5, 188, 55, 84],
  [0.75, 249, 142, 9],
  [0.9, 245, 219, 76],
  [1, 252, 255, 164],
];

function ramp(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, t));
  for (let i = 1; i < STOPS.length; i++) {
    const hi = STOPS[i]!;
    const lo = STOPS[i - 1]!;
    if (x <= hi[0]) {
      const f = (x - lo[0]) / (hi[0] - lo[0]);
      return [lo[1] + f * (hi[1] - lo[1]), lo[2] + f * (hi[2] - lo[2]), lo[3] + f * (hi[3] - lo[3])];
    }
  }
  return [252, 255, 164];
}

export interface Heatmap {
  pixels: LoadedPixels;
  /** Largest absolute difference over channels, 0..255. */
  maxDiff: number;
  meanDiff: number;
}

/**
 * |a - b| per pixel (mean over RGB), scaled so `fullScale` (a difference of that many levels)
 * is the brightest colour. Alpha is no part of the difference, the rule the core's metrics follow
 * (src-main/core/imaging/pixels.ts); no channel conversion happens here (the canvas gives RGBA).
 */
export function diffHeatmap(a: LoadedPixels, b: LoadedPixels, fullScale = 64): Heatmap {
  const w = Math.min(a.width, b.width);
  const h = Math.min(a.height, b.height);
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  const out = ctx.createImageData(w, h);
  let maxDiff = 0;
  let sum = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ia = (y * a.width + x) * 4;
      const ib = (y * b.width + x) * 4;
      const d =
        (Math.abs(a.data.data[ia]! - b.data.data[ib]!) +
          Math.abs(a.data.data[ia + 1]! - b.data.data[ib + 1]!) +
          Math.abs(a.data.data[ia + 2]! - b.data.data[ib + 2]!)) /
        3;
      if (d > maxDiff) maxDiff = d;
      sum += d;
      const [r, g, bl] = ramp(d / fullScale);
      const o = (y * w + x) * 4;
      out.data[o] = r;
      out.data[o + 1] = g;
      out.data[o + 2] = bl;
      out.data[o + 3] = 255;
    }
  }
  ctx.putImageData(out, 0, 0);
  return { pixels: { canvas, data: out, width: w, height: h }, maxDiff, meanDiff: sum / Math.max(1, w * h) };
}

/** CSS gradient of the heatmap ramp, for its legend. */
export const HEATMAP_GRADIENT = `linear-gradient(to right, ${STOPS.map(([t, r, g, b]) => `rgb(${r} ${g} ${b}) ${t * 100}%`).join(', ')})`;
