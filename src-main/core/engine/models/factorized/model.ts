// Factorized prior (Balle et al. 2017/2018): analysis -> y (x/16, M channels) -> per-level gain
// -> round -> one learned density per channel -> range coder; synthesis mirrors the analysis.
import * as tf from '@tensorflow/tfjs';
import { RangeDecoder, RangeEncoder } from '../../../entropy/index.js';
import { addFactorizedDensity, factorizedLikelihood } from '../layers/factorized-density.js';
import { addGains, gainsAtQuality, levelGains } from '../layers/gains.js';
import { uniformNoise } from '../layers/noise.js';
import { ParamStore, SeedSequence } from '../layers/params.js';
import { takeData } from '../layers/take-data.js';
import { addAnalysis, addSynthesis, analysis, downsamplingOf, synthesis } from '../layers/transforms.js';
import type { LearnedImpl } from '../learned.js';
import { densityTables } from '../layers/density-tables.js';
import { tiledAnalysis, tiledSynthesis } from '../../tiling/tiled.js';
import { stagesOf, type FactorizedHyper } from './meta.js';

function build(h: FactorizedHyper, channels: 1 | 3, seed: number): ParamStore {
  const p = new ParamStore();
  const seeds = new SeedSequence(seed);
  addAnalysis(p, channels, h.n, h.m, seeds, stagesOf(h));
  addSynthesis(p, channels, h.n, h.m, seeds, stagesOf(h));
  addGains(p, h.lambdas, h.m);
  addFactorizedDensity(p, 'density', 'entropy', h.m, seeds);
  return p;
}

export const factorized: LearnedImpl<FactorizedHyper> = {
  build,
  batchShape: (_h, n, edge, channels) => [n, edge, edge, channels],
  forward(p, h, x, opts) {
    const y = analysis(p, x as tf.Tensor4D, stagesOf(h));
    const { gain, igain } = levelGains(p, opts.level);
    const yg = tf.mul(y, gain);
    const yq = opts.training ? tf.add(yg, uniformNoise(yg.shape, opts.noiseSeed, opts.firstSample ?? 0)) : tf.round(yg);
    const xHat = synthesis(p, tf.mul(yq, igain) as tf.Tensor4D, stagesOf(h));
    return { xHat, likelihoods: [factorizedLikelihood(p, 'density', yq)] };
  },
  buildTables: (p, h) => ({ groups: [densityTables(p, 'density', h.m)] }),
  async compress(rt, img, quality, opts) {
    const { gain } = gainsAtQuality(rt.params, rt.hyper.lambdas, rt.hyper.m, quality);
    const stages = stagesOf(rt.hyper);
    const y = await tiledAnalysis(rt.params, img, downsamplingOf(stages), stages, opts);
    const symbols = takeData(
      tf.tidy(() => tf.round(tf.mul(tf.tensor4d(y.data, [1, y.h, y.w, y.c]), tf.tensor1d(Float32Array.from(gain))))),
    );
    const tables = rt.tables.groups[0]!;
    const m = rt.hyper.m;
    const enc = new RangeEncoder();
    for (let i = 0; i < symbols.length; i++) enc.encode(symbols[i]!, tables[i % m]!);
    return [enc.finish()];
  },
  async decompress(rt, streams, width, height, quality, opts) {
    if (streams.length !== 1) throw new RangeError(`a factorized-prior file has 1 latent stream, this one ${streams.length}`);
    const { igain } = gainsAtQuality(rt.params, rt.hyper.lambdas, rt.hyper.m, quality);
    const m = rt.hyper.m;
    const stages = stagesOf(rt.hyper);
    const down = downsamplingOf(stages);
    const gh = Math.ceil(height / down);
    const gw = Math.ceil(width / down);
    const tables = rt.tables.groups[0]!;
    const dec = new RangeDecoder(streams[0]!);
    const y = new Float32Array(gh * gw * m);
    for (let i = 0; i < y.length; i++) y[i] = dec.decode(tables[i % m]!) * igain[i % m]!;
    return tiledSynthesis(rt.params, { data: y, h: gh, w: gw, c: m }, width, height, stages, opts);
  },
};
