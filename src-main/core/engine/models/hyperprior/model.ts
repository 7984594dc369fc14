// Mean-scale hyperprior: y = analysis(x) * gain; z = hyper-analysis(y) (y/4, N channels) coded with a
// factorized density; the hyper-synthesis of the rounded z predicts a mean and a scale per element
// of y, and y is coded as round(y - mean) with the Gaussian table of its scale. The hyper-synthesis
// runs in exact float64 JavaScript at coding time (layers/exact.ts), so the tables chosen agree on
// every machine; in training it runs in tfjs like everything else.
import * as tf from '@tensorflow/tfjs';
import { gaussianTables, RangeDecoder, RangeEncoder, scaleIndex, scaleTable } from '../../../entropy/index.js';
import { addConv, addUp, conv, leakyRelu, up } from '../layers/conv.js';
import { densityTables } from '../layers/density-tables.js';
import { exactConv, exactDepthToSpace2, exactLeakyRelu, type ExactMap } from '../layers/exact.js';
import { addFactorizedDensity, factorizedLikelihood } from '../layers/factorized-density.js';
import { gaussianLikelihood, SCALE_FLOOR } from '../layers/gaussian-conditional.js';
import { addGains, gainsAtQuality, levelGains } from '../layers/gains.js';
import { tiledAnalysis, tiledSynthesis } from '../../tiling/tiled.js';
import { uniformNoise } from '../layers/noise.js';
import { ParamStore, SeedSequence } from '../layers/params.js';
import { takeData } from '../layers/take-data.js';
import { addAnalysis, addSynthesis, analysis, DEFAULT_STAGES, DOWNSAMPLING, synthesis } from '../layers/transforms.js';
import type { LearnedImpl, LearnedRuntime } from '../learned.js';
import type { HyperpriorHyper } from './meta.js';

/** Images are padded to this: y to a multiple of 4, so z covers it exactly. */
const MULTIPLE = DOWNSAMPLING * 4;
/** The scales of the Gaussian tables: fixed, so the tables depend on nothing trained. */
export const SCALES = scaleTable(SCALE_FLOOR, 256, 64);

function build(h: HyperpriorHyper, channels: 1 | 3, seed: number): ParamStore {
  const p = new ParamStore();
  const seeds = new SeedSequence(seed);
  addAnalysis(p, channels, h.n, h.m, seeds);
  addSynthesis(p, channels, h.n, h.m, seeds);
  addGains(p, h.lambdas, h.m);
  addConv(p, 'ha.0', 'hyper-analysis', 3, h.m, h.n, seeds);
  addConv(p, 'ha.1', 'hyper-analysis', 5, h.n, h.n, seeds);
  addConv(p, 'ha.2', 'hyper-analysis', 5, h.n, h.n, seeds);
  addUp(p, 'hs.0', 'hyper-synthesis', h.n, h.n, seeds);
  addUp(p, 'hs.1', 'hyper-synthesis', h.n, h.n, seeds);
  addConv(p, 'hs.2', 'hyper-synthesis', 3, h.n, 2 * h.m, seeds);
  addFactorizedDensity(p, 'zdensity', 'entropy', h.n, seeds);
  return p;
}

function hyperAnalysis(p: ParamStore, y: tf.Tensor4D): tf.Tensor4D {
  const a = leakyRelu(conv(p, 'ha.0', y));
  return conv(p, 'ha.2', leakyRelu(conv(p, 'ha.1', a, 2)), 2);
}

function hyperSynthesis(p: ParamStore, z: tf.Tensor4D): tf.Tensor4D {
  return conv(p, 'hs.2', leakyRelu(up(p, 'hs.1', leakyRelu(up(p, 'hs.0', z)))));
}

/** The hyper-synthesis in exact arithmetic: mean and scale maps (HWC, M channels each). */
function exactHyperSynthesis(rt: LearnedRuntime<HyperpriorHyper>, z: ExactMap): { mean: Float64Array; scale: Float64Array } {
  const p = rt.params;
  const { n, m } = rt.hyper;
  let a = exactLeakyRelu(exactDepthToSpace2(exactConv(z, p.float64('hs.0.w'), p.float64('hs.0.b'), 3, 4 * n)));
  a = exactLeakyRelu(exactDepthToSpace2(exactConv(a, p.float64('hs.1.w'), p.float64('hs.1.b'), 3, 4 * n)));
  const out = exactConv(a, p.float64('hs.2.w'), p.float64('hs.2.b'), 3, 2 * m);
  const positions = out.h * out.w;
  const mean = new Float64Array(positions * m);
  const scale = new Float64Array(positions * m);
  for (let i = 0; i < positions; i++) {
    for (let c = 0; c < m; c++) {
      mean[i * m + c] = out.data[i * 2 * m + c]!;
      scale[i * m + c] = out.data[i * 2 * m + m + c]!;
    }
  }
  return { mean, scale };
}

/**
 * The y latents (after the inverse gain) of a gh x gw grid from the z and y streams. Its own
 * function so the float64 mean and scale maps (16 bytes per latent) are garbage before the synthesis.
 */
function decodeY(rt: LearnedRuntime<HyperpriorHyper>, streams: Uint8Array[], gh: number, gw: number, quality: number): Float32Array {
  const { n, m } = rt.hyper;
  const { igain } = gainsAtQuality(rt.params, rt.hyper.lambdas, rt.hyper.m, quality);
  const zTables = rt.tables.groups[1]!;
  const zDec = new RangeDecoder(streams[0]!);
  const z = new Float64Array((gh / 4) * (gw / 4) * n);
  for (let i = 0; i < z.length; i++) z[i] = zDec.decode(zTables[i % n]!);
  const { mean, scale } = exactHyperSynthesis(rt, { data: z, h: gh / 4, w: gw / 4, c: n });
  const yTables = rt.tables.groups[0]!;
  const yDec = new RangeDecoder(streams[1]!);
  const y = new Float32Array(gh * gw * m);
  for (let i = 0; i < y.length; i++) y[i] = (yDec.decode(yTables[scaleIndex(scale[i]!, SCALES)]!) + mean[i]!) * igain[i % m]!;
  return y;
}

export const hyperprior: LearnedImpl<HyperpriorHyper> = {
  build,
  batchShape: (_h, n, edge, channels) => [n, edge, edge, channels],
  forward(p, h, x, opts) {
    const y = analysis(p, x as tf.Tensor4D);
    const { gain, igain } = levelGains(p, opts.level);
    const yg = tf.mul(y, gain) as tf.Tensor4D;
    const z = hyperAnalysis(p, yg);
    const noise = (t: tf.Tensor, k: number) => uniformNoise(t.shape, opts.noiseSeed * 2 + k, opts.firstSample ?? 0);
    const zq = (opts.training ? tf.add(z, noise(z, 1)) : tf.round(z)) as tf.Tensor4D;
    const params = hyperSynthesis(p, zq);
    const [mean, scale] = tf.split(params, [h.m, h.m], 3) as [tf.Tensor4D, tf.Tensor4D];
    const yq = opts.training ? tf.add(yg, noise(yg, 0)) : tf.add(tf.round(tf.sub(yg, mean)), mean);
    const xHat = synthesis(p, tf.mul(yq, igain) as tf.Tensor4D);
    return { xHat, likelihoods: [gaussianLikelihood(yq, mean, scale), factorizedLikelihood(p, 'zdensity', zq)] };
  },
  buildTables: (p, h) => ({ groups: [gaussianTables(SCALES), densityTables(p, 'zdensity', h.n)] }),
  async compress(rt, img, quality, opts) {
    const { n } = rt.hyper;
    const { gain } = gainsAtQuality(rt.params, rt.hyper.lambdas, rt.hyper.m, quality);
    const ya = await tiledAnalysis(rt.params, img, MULTIPLE, DEFAULT_STAGES, opts);
    // The gain and the hyper-analysis run on the whole latent grid (1/256 of the pixels).
    const [ygt, zt] = tf.tidy(() => {
      const yg = tf.mul(tf.tensor4d(ya.data, [1, ya.h, ya.w, ya.c]), tf.tensor1d(Float32Array.from(gain))) as tf.Tensor4D;
      return [yg, tf.round(hyperAnalysis(rt.params, yg))];
    });
    const [, gh, gw] = ygt.shape;
    const y = takeData(ygt);
    const z = takeData(zt);
    const zTables = rt.tables.groups[1]!;
    const zEnc = new RangeEncoder();
    for (let i = 0; i < z.length; i++) zEnc.encode(z[i]!, zTables[i % n]!);
    const { mean, scale } = exactHyperSynthesis(rt, { data: Float64Array.from(z), h: gh / 4, w: gw / 4, c: n });
    const yTables = rt.tables.groups[0]!;
    const yEnc = new RangeEncoder();
    for (let i = 0; i < y.length; i++) yEnc.encode(Math.round(y[i]! - mean[i]!), yTables[scaleIndex(scale[i]!, SCALES)]!);
    return [zEnc.finish(), yEnc.finish()];
  },
  async decompress(rt, streams, width, height, quality, opts) {
    if (streams.length !== 2) throw new RangeError(`a hyperprior file has 2 latent streams (z, y), this one ${streams.length}`);
    const { m } = rt.hyper;
    const gh = Math.ceil(height / MULTIPLE) * 4;
    const gw = Math.ceil(width / MULTIPLE) * 4;
    const y = decodeY(rt, streams, gh, gw, quality);
    return tiledSynthesis(rt.params, { data: y, h: gh, w: gw, c: m }, width, height, DEFAULT_STAGES, opts);
  },
};
