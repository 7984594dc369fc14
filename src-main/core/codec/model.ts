// What the codec needs from a trained model: the engine's LoadedModel satisfies this structurally,
// so the codec depends only on encode/decode, the code range and the weights hash.
import type { TileProgress } from '../engine/tiling/tiled.js';
export type { TileProgress };
import type { RawImage } from '../imaging/index.js';

/** HWC grid of continuous latents (the engine's, engine/inference.ts). */
import type { CodeGrid } from '../engine/inference.js';
export type { CodeGrid };

export interface CodecModelCard {
  channels: 1 | 3;
  codeRange: { min: number; max: number };
  /** Optional: finest useful quantization step (see calibrate.ts). */
  finestStep?: number;
}

/** A learned family's coding (format v2): the model itself turns an image into entropy-coded streams. */
export interface LearnedCodec {
  family: string;
  /** Family id written in v2 files. */
  formatId: number;
  /** onProgress: after every transform tile (a 24 MP photo has about 380; it takes minutes). */
  compress(img: RawImage, quality: number, onProgress?: TileProgress): Promise<Uint8Array[]>;
  decompress(streams: Uint8Array[], width: number, height: number, quality: number, onProgress?: TileProgress): Promise<RawImage>;
}

export interface CodecModel {
  id: string;
  weightsHash: string;
  card: CodecModelCard;
  /** Present for learned families: compress and decompress go through it (format v2). */
  learned?: LearnedCodec;
  encode(img: RawImage): Promise<CodeGrid>;
  decode(code: CodeGrid, width: number, height: number): Promise<RawImage>;
}

/** A model that holds resources until disposed (the engine's LoadedModel is one). */
export interface LoadedCodecModel extends CodecModel {
  dispose(): void;
}

/** Opens a cataloged model under its catalog id (in a thread: engine/open-model.ts's openModel). */
export type ModelLoader = (ref: { id: string; dir: string }) => Promise<LoadedCodecModel>;

/** Tile edge of the model as recorded in the container (0: the model takes the whole image). */
export function modelTile(model: CodecModel): number {
  const t = (model.card as { tile?: unknown }).tile;
  return typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : 0;
}

/**
 * The code grid the model makes for a width x height image, when its card says (dense: one cell
 * per tile; conv: one per downsampling block), so a file whose grid disagrees is refused before
 * any decoding.
 */
export function expectedGrid(model: CodecModel, width: number, height: number): { gh: number; gw: number; c: number } | undefined {
  const h = (model.card as { hyper?: Record<string, unknown> }).hyper;
  if (!h) return undefined;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  if (h.arch === 'dense') {
    const t = int(h.tile);
    const c = int(h.codeSize);
    return t && c ? { gh: Math.ceil(height / t), gw: Math.ceil(width / t), c } : undefined;
  }
  if (h.arch === 'conv') {
    const f = int(h.downsampling);
    const c = int(h.codeChannels);
    return f && c ? { gh: Math.ceil(height / f), gw: Math.ceil(width / f), c } : undefined;
  }
  return undefined;
}
