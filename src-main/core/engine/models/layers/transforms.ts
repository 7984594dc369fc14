// The analysis and synthesis transforms shared by the factorized and hyperprior families:
//   analysis:  4 x (5x5 conv, stride 2) with GDN between      (x / 16)
//   synthesis: 4 x (3x3 conv to 4C + depth-to-space) with inverse GDN between
// Synthesis has no output activation (as in the reference); the codec clamps to [0, 1].
import type * as tf from '@tensorflow/tfjs';
import { addConv, addUp, conv, up } from './conv.js';
import { addGdn, gdn } from './gdn.js';
import type { ParamStore, SeedSequence } from './params.js';

export const DOWNSAMPLING = 16;

export function addAnalysis(p: ParamStore, channels: number, n: number, m: number, seeds: SeedSequence): void {
  addConv(p, 'ga.0', 'analysis', 5, channels, n, seeds);
  addGdn(p, 'ga.gdn0', 'analysis', n);
  addConv(p, 'ga.1', 'analysis', 5, n, n, seeds);
  addGdn(p, 'ga.gdn1', 'analysis', n);
  addConv(p, 'ga.2', 'analysis', 5, n, n, seeds);
  addGdn(p, 'ga.gdn2', 'analysis', n);
  addConv(p, 'ga.3', 'analysis', 5, n, m, seeds);
}

export function analysis(p: ParamStore, x: tf.Tensor4D): tf.Tensor4D {
  let h = gdn(p, 'ga.gdn0', conv(p, 'ga.0', x, 2));
  h = gdn(p, 'ga.gdn1', conv(p, 'ga.1', h, 2));
  h = gdn(p, 'ga.gdn2', conv(p, 'ga.2', h, 2));
  return conv(p, 'ga.3', h, 2);
}

export function addSynthesis(p: ParamStore, channels: number, n: number, m: number, seeds: SeedSequence): void {
  addUp(p, 'gs.0', 'synthesis', m, n, seeds);
  addGdn(p, 'gs.igdn0', 'synthesis', n);
  addUp(p, 'gs.1', 'synthesis', n, n, seeds);
  addGdn(p, 'gs.igdn1', 'synthesis', n);
  addUp(p, 'gs.2', 'synthesis', n, n, seeds);
  addGdn(p, 'gs.igdn2', 'synthesis', n);
  addUp(p, 'gs.3', 'synthesis', n, channels, seeds);
}

export function synthesis(p: ParamStore, y: tf.Tensor4D): tf.Tensor4D {
  let h = gdn(p, 'gs.igdn0', up(p, 'gs.0', y), true);
  h = gdn(p, 'gs.igdn1', up(p, 'gs.1', h), true);
  h = gdn(p, 'gs.igdn2', up(p, 'gs.2', h), true);
  return up(p, 'gs.3', h);
}
