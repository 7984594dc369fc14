// The learned families' transforms over an image of any size, tile by tile (geometry.ts says where
// the tiles lie and why their halos suffice): each tile's result is cropped to its core and
// stitched, so memory follows the tile, not the image. An image that fits one tile is one call on
// the whole padded image, exactly as before tiling. Tiles run through a TransformRunner, up to
// `parallel` of them at once; where each lands depends only on its index, so a pool of workers
// stitches the same bytes as one thread.
import type { FloatImage } from '../../imaging/pixels.js';
import { reflectIndex } from '../float-image.js';
import type { ParamStore } from '../models/layers/params.js';
import { tfjsRunner, type TensorTile, type TransformRunner } from '../models/layers/transform-runner.js';
import { analysisHalo, DEFAULT_TILING, synthesisHalo, tileGrid, type Tiling } from './geometry.js';

/** What a family asks a runner for: its transforms (parameters, stride-2 stages) over an image of `tiles` tiles. */
export interface RunnerRequest {
  params: ParamStore;
  stages: number;
  tiles: number;
}

/** The runner (still the chooser's: the tiling never disposes it) and how many tiles may be in flight at once. */
export interface RunnerChoice {
  runner: TransformRunner;
  parallel: number;
}
export type ChooseRunner = (request: RunnerRequest) => RunnerChoice;

/** The default: tfjs in this thread, one tile at a time. */
export const inThread: ChooseRunner = ({ params, stages }) => ({ runner: tfjsRunner(params, stages), parallel: 1 });

/** Called after every finished tile of one pass (an image of one tile: once). */
export type TileProgress = (tilesDone: number, tilesTotal: number) => void;

/** How a family's compress / decompress runs its transforms. */
export interface TiledOptions {
  choose?: ChooseRunner;
  tiling?: Tiling;
  onProgress?: TileProgress;
}

/** Runs work(0 .. n-1) with at most `parallel` in flight; the first failure rejects (the rest still settle). */
async function forEachTile(n: number, parallel: number, work: (i: number) => Promise<void>, onProgress?: TileProgress): Promise<void> {
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await work(i);
      } catch (err) {
        failed = true;
        throw err;
      }
      onProgress?.(++done, n);
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(parallel, n)) }, lane);
  const settled = await Promise.allSettled(lanes);
  const bad = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (bad) throw bad.reason;
}

/** Input rows [y0, y1) and columns [x0, x1) of the image reflect-padded on the right and bottom (pixels.ts padReflect). */
function paddedRegion(img: FloatImage, x0: number, x1: number, y0: number, y1: number): TensorTile {
  const c = img.channels;
  const w = x1 - x0;
  const h = y1 - y0;
  const data = new Float32Array(w * h * c);
  const cols = Int32Array.from({ length: w }, (_, i) => reflectIndex(x0 + i, img.width));
  for (let y = 0; y < h; y++) {
    const src = reflectIndex(y0 + y, img.height) * img.width;
    let d = y * w * c;
    for (let i = 0; i < w; i++) {
      const s = (src + cols[i]!) * c;
      for (let k = 0; k < c; k++) data[d++] = img.data[s + k]!;
    }
  }
  return { data, h, w, c };
}

function region(src: TensorTile, x0: number, x1: number, y0: number, y1: number): TensorTile {
  const c = src.c;
  const w = x1 - x0;
  const h = y1 - y0;
  const data = new Float32Array(w * h * c);
  for (let y = 0; y < h; y++) data.set(src.data.subarray(((y0 + y) * src.w + x0) * c, ((y0 + y) * src.w + x1) * c), y * w * c);
  return { data, h, w, c };
}

function checkShape(out: TensorTile, h: number, w: number, what: string): void {
  if (out.h !== h || out.w !== w) throw new Error(`the ${what} runner returned a ${out.h}x${out.w} tile, expected ${h}x${w}`);
}

/**
 * The analysis of `img` reflect-padded to a multiple of `multiple`: y (before the gain) of the whole
 * padded image, (ph / 2^stages) x (pw / 2^stages) x m.
 */
export async function tiledAnalysis(
  params: ParamStore,
  img: FloatImage,
  multiple: number,
  stages: number,
  opts: TiledOptions = {},
): Promise<TensorTile> {
  const tiling = opts.tiling ?? DEFAULT_TILING;
  const down = 2 ** stages;
  const pw = Math.ceil(img.width / multiple) * multiple;
  const ph = Math.ceil(img.height / multiple) * multiple;
  const halo = (tiling.analysisHalo ?? analysisHalo(stages)) * down;
  const tiles = tileGrid(pw, ph, multiple, tiling.core, halo);
  const { runner, parallel } = (opts.choose ?? inThread)({ params, stages, tiles: tiles.length });
  const gw = pw / down;
  let y: TensorTile | undefined;
  await forEachTile(
    tiles.length,
    parallel,
    async (i) => {
      const t = tiles[i]!;
      const out = await runner.analysis(paddedRegion(img, t.x.in0, t.x.in1, t.y.in0, t.y.in1));
      checkShape(out, (t.y.in1 - t.y.in0) / down, (t.x.in1 - t.x.in0) / down, 'analysis');
      y ??= { data: new Float32Array((ph / down) * gw * out.c), h: ph / down, w: gw, c: out.c };
      if (out.c !== y.c) throw new Error(`the analysis runner returned ${y.c} channels, then ${out.c}`);
      // The core, in latents of the tile and of the whole grid.
      const cx0 = (t.x.core0 - t.x.in0) / down;
      const cols = (t.x.core1 - t.x.core0) / down;
      const c = out.c;
      for (let r = 0; r < (t.y.core1 - t.y.core0) / down; r++) {
        const sy = (t.y.core0 - t.y.in0) / down + r;
        const dy = t.y.core0 / down + r;
        y.data.set(out.data.subarray((sy * out.w + cx0) * c, (sy * out.w + cx0 + cols) * c), (dy * gw + t.x.core0 / down) * c);
      }
    },
    opts.onProgress,
  );
  return y!;
}

/**
 * The synthesis of the latents `y` (after the inverse gain), cropped to width x height and clamped
 * to [0, 1] (the codec's output; the transform itself has no output activation).
 */
export async function tiledSynthesis(
  params: ParamStore,
  y: TensorTile,
  width: number,
  height: number,
  stages: number,
  opts: TiledOptions = {},
): Promise<FloatImage> {
  const tiling = opts.tiling ?? DEFAULT_TILING;
  const down = 2 ** stages;
  if (y.w * down < width || y.h * down < height) throw new RangeError(`a ${y.h}x${y.w} latent grid cannot cover ${width}x${height} pixels`);
  const core = Math.max(1, Math.floor(tiling.core / down));
  const tiles = tileGrid(y.w, y.h, 1, core, tiling.synthesisHalo ?? synthesisHalo(stages));
  const { runner, parallel } = (opts.choose ?? inThread)({ params, stages, tiles: tiles.length });
  let out: FloatImage | undefined;
  await forEachTile(
    tiles.length,
    parallel,
    async (i) => {
      const t = tiles[i]!;
      const px = await runner.synthesis(region(y, t.x.in0, t.x.in1, t.y.in0, t.y.in1));
      checkShape(px, (t.y.in1 - t.y.in0) * down, (t.x.in1 - t.x.in0) * down, 'synthesis');
      out ??= { data: new Float32Array(width * height * px.c), width, height, channels: px.c };
      if (px.c !== out.channels) throw new Error(`the synthesis runner returned ${out.channels} channels, then ${px.c}`);
      const c = px.c;
      // The core in output pixels, cut to the image (the padding beyond width x height is dropped).
      const x0 = t.x.core0 * down;
      const x1 = Math.min(width, t.x.core1 * down);
      const y0 = t.y.core0 * down;
      const y1 = Math.min(height, t.y.core1 * down);
      const ox = t.x.in0 * down;
      const oy = t.y.in0 * down;
      for (let row = y0; row < y1; row++) {
        let s = ((row - oy) * px.w + (x0 - ox)) * c;
        let d = (row * width + x0) * c;
        for (let n = (x1 - x0) * c; n > 0; n--) {
          const v = px.data[s++]!;
          out.data[d++] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    },
    opts.onProgress,
  );
  return out!;
}
