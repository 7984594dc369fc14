// What every rate-distortion (learned entropy model) family provides to the trainer and the codec.
// A family is plain functions over a ParamStore: build, forward (reconstruction + likelihoods of
// every latent, for the loss), and the entropy coding of an image into streams and back.
import type * as tf from '@tensorflow/tfjs';
import type { CdfTable } from '../../entropy/index.js';
import type { FloatImage } from '../../imaging/pixels.js';
import type { TiledOptions } from '../tiling/tiled.js';
import type { ParamStore } from './layers/params.js';

export interface ForwardOptions {
  /** Uniform noise on the latents (training) instead of rounding (inference). */
  training: boolean;
  /** Training level (index into the lambdas and gain vectors). */
  level: number;
  /** Seed of the quantization noise. */
  noiseSeed: number;
  /**
   * Index of x's first sample in the step's whole batch (default 0). The noise is drawn per sample
   * from (noiseSeed, index), so a replica forwarding a shard draws what the whole batch would.
   */
  firstSample?: number;
}

export interface ForwardResult {
  /** Reconstruction in the input's shape. */
  xHat: tf.Tensor;
  /** Likelihood of every latent element, one tensor per latent (y, then z for the hyperprior). */
  likelihoods: tf.Tensor[];
}

/** The CDF tables a trained model codes with, built once after training and stored with it. */
export interface EntropyTables {
  /** Table groups in the family's order (e.g. y channels; z channels; gaussian scales). */
  groups: CdfTable[][];
}

/** A trained model ready to code: parameters, hyperparameters and its tables. */
export interface LearnedRuntime<H> {
  hyper: H;
  channels: 1 | 3;
  params: ParamStore;
  tables: EntropyTables;
}

/**
 * How compress / decompress run the analysis and synthesis (the conv families tile them, see
 * engine/tiling/): who runs the tiles (default tfjs in this thread), the tile size, progress per tile.
 * The dense family codes its own small tiles and reads none of it.
 */
export type CodingOptions = TiledOptions;

export interface LearnedImpl<H> {
  /** Builds fresh parameters (seeded). */
  build(h: H, channels: 1 | 3, seed: number): ParamStore;
  /** Input shape of a training batch of n samples of edge `edge` (dense-prior flattens). */
  batchShape(h: H, n: number, edge: number, channels: number): number[];
  forward(p: ParamStore, h: H, x: tf.Tensor, opts: ForwardOptions): ForwardResult;
  /** The CDF tables for coding, from the trained entropy model. */
  buildTables(p: ParamStore, h: H): EntropyTables;
  /** Image (floats in [0,1], the model's channels) at a quality 1-100 -> entropy-coded streams. */
  compress(rt: LearnedRuntime<H>, img: FloatImage, quality: number, opts?: CodingOptions): Promise<Uint8Array[]>;
  /** Streams back to an image of width x height. */
  decompress(
    rt: LearnedRuntime<H>,
    streams: Uint8Array[],
    width: number,
    height: number,
    quality: number,
    opts?: CodingOptions,
  ): Promise<FloatImage>;
}
