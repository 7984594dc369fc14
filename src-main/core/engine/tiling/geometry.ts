// Where the tiles of one image lie and how far each reaches past its core (browser-safe, no tfjs).
//
// Every tile is run with the family's own convolutions, so a tile edge that is not an image edge
// sees zeros ('same' padding) where the whole image would have had neighbours. A tile therefore
// reads a halo around its core, wide enough that no output inside the core depends on those
// zeros, and only the core is kept: the stitched result is the whole-image result.
//
// Analysis (transforms.ts): S stride-2 5x5 convs, 'same' padding. Every layer's input extent is
// even (tiles start and end on multiples of 2^S pixels), so TF's 'same' pads 1 before and 2 after
// and output j reads inputs 2j-1 .. 2j+3. Composed over S layers, latent k reads pixels
// 2^S k - (2^S - 1) .. 2^S k + 3 (2^S - 1): for S = 4, 15 pixels before its 16-pixel block and 30
// after it, a 61-pixel receptive field. GDN is per position and widens nothing. Halo: 2 latents
// (32 pixels at S = 4) on each side.
// Synthesis: S times (3x3 conv, pad 1, then depth-to-space by 2): output q reads q/2 - 1 .. q/2 + 1
// of the level below, so a 2^S-pixel output block reads latents k-2 .. k+2 (S = 2, 3, 4 alike).
// Halo: 2 latents on each side.

/** One axis of a tile: the core it delivers and the input it reads, [start, end) in grid units. */
export interface Span {
  core0: number;
  core1: number;
  in0: number;
  in1: number;
}

export interface TileRect {
  x: Span;
  y: Span;
}

/** How images are cut: the core edge, and halos (latents) that tests may narrow to see them matter. */
export interface Tiling {
  /** Core edge in pixels; a multiple of the family's padding multiple. */
  core: number;
  /** Latents of analysis halo on each side (default: the analysis' reach, analysisHalo). */
  analysisHalo?: number;
  /** Latents of synthesis halo on each side (default: synthesisHalo). */
  synthesisHalo?: number;
}

/**
 * 256-pixel cores. Measured (base-photo, 1 MP decode, wasm, one thread): CPU seconds 4.0 / 3.2 /
 * 3.4 / 3.6 at cores of 128 / 256 / 384 / 512 and 4.2 for the whole image; the wasm heap a thread
 * keeps afterwards 48 / 83 / 120 / 172 MB and 911 MB whole. Small tiles stay in cache, which pays
 * for their halos (56 % more positions at 256); a 24 MP photo is ~380 tiles to share out.
 */
export const DEFAULT_TILING: Tiling = { core: 256 };

/** Pixels a latent reads before and after its own 2^stages-pixel block through the analysis. */
export function analysisReach(stages: number): { before: number; after: number } {
  let lo = 0;
  let hi = 0;
  for (let s = 0; s < stages; s++) {
    lo = 2 * lo - 1;
    hi = 2 * hi + 3;
  }
  const block = 2 ** stages;
  return { before: -lo, after: hi - (block - 1) };
}

/** Latents a 2^stages-pixel output block reads before and after its own latent through the synthesis. */
export function synthesisReach(stages: number): { before: number; after: number } {
  let lo = 0;
  let hi = 2 ** stages - 1;
  for (let s = 0; s < stages; s++) {
    lo = Math.floor(lo / 2) - 1;
    hi = Math.floor(hi / 2) + 1;
  }
  return { before: -lo, after: hi };
}

/** Analysis halo in latents: the reach rounded up to whole latents (2 for every stage count used). */
export function analysisHalo(stages: number): number {
  const r = analysisReach(stages);
  return Math.ceil(Math.max(r.before, r.after) / 2 ** stages);
}

export function synthesisHalo(stages: number): number {
  const r = synthesisReach(stages);
  return Math.max(r.before, r.after);
}

/**
 * Splits an axis of `extent` units (a multiple of `align`) into near-equal cores of at most `core`
 * units, each aligned to `align`, widened by `halo` units on each side within the axis. An axis
 * that fits one core is one span with no halo: the whole-image computation.
 */
export function splitAxis(extent: number, align: number, core: number, halo: number): Span[] {
  if (extent % align !== 0 || core % align !== 0 || core <= 0)
    throw new RangeError(`cannot split ${extent} into cores of ${core} aligned to ${align}`);
  const blocks = extent / align;
  const n = Math.max(1, Math.ceil(blocks / (core / align)));
  const base = Math.floor(blocks / n);
  const extra = blocks % n;
  const spans: Span[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = (base + (i < extra ? 1 : 0)) * align;
    const h = n === 1 ? 0 : halo;
    spans.push({ core0: at, core1: at + len, in0: Math.max(0, at - h), in1: Math.min(extent, at + len + h) });
    at += len;
  }
  return spans;
}

/** Row-major tiles of a width x height grid (both multiples of `align`). */
export function tileGrid(width: number, height: number, align: number, core: number, halo: number): TileRect[] {
  const xs = splitAxis(width, align, core, halo);
  const ys = splitAxis(height, align, core, halo);
  return ys.flatMap((y) => xs.map((x) => ({ x, y })));
}

/** Largest tile edge (input units) splitAxis can produce for these settings, whatever the extent. */
export function maxTileEdge(core: number, halo: number): number {
  return core + 2 * halo;
}
