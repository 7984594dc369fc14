// The analysis and synthesis transforms shared by the factorized and hyperprior families:
//   analysis:  S x (5x5 conv, stride 2) with GDN between      (x / 2^S; S = 4 for photos)
//   synthesis: S x (3x3 conv to 4C + depth-to-space) with inverse GDN between
// Synthesis has no output activation (as in the reference); the codec clamps to [0, 1].
import type * as tf from '@tensorflow/tfjs';
import { addConv, addUp, conv, up } from './conv.js';
import { addGdn, gdn } from './gdn.js';
import type { ParamStore, SeedSequence } from './params.js';

export const DOWNSAMPLING = 16;

/** Stride-2 stages of the transforms: 4 (x/16) for photos; small images may use fewer. */
export const DEFAULT_STAGES = 4;

export function downsamplingOf(stages: number): number {
  return 2 ** stages;
}

export function addAnalysis(p: ParamStore, channels: number, n: number, m: number, seeds: SeedSequence, stages = DEFAULT_STAGES): void {
  for (let i = 0; i < stages; i++) {
    const last = i === stages - 1;
    addConv(p, `ga.${i}`, 'analysis', 5, i === 0 ? channels : n, last ? m : n, seeds);
    if (!last) addGdn(p, `ga.gdn${i}`, 'analysis', n);
  }
}

export function analysis(p: ParamStore, x: tf.Tensor4D, stages = DEFAULT_STAGES): tf.Tensor4D {
  let h = x;
  for (let i = 0; i < stages; i++) {
    h = conv(p, `ga.${i}`, h, 2);
    if (i < stages - 1) h = gdn(p, `ga.gdn${i}`, h);
  }
  return h;
}

export function addSynthesis(p: ParamStore, channels: number, n: number, m: number, seeds: SeedSequence, stages = DEFAULT_STAGES): void {
  for (let i = 0; i < stages; i++) {
    const last = i === stages - 1;
    addUp(p, `gs.${i}`, 'synthesis', i === 0 ? m : n, last ? channels : n, seeds);
    if (!last) addGdn(p, `gs.igdn${i}`, 'synthesis', n);
  }
}

export function synthesis(p: ParamStore, y: tf.Tensor4D, stages = DEFAULT_STAGES): tf.Tensor4D {
  let h = y;
  for (let i = 0; i < stages; i++) {
    h = up(p, `gs.${i}`, h);
    if (i < stages - 1) h = gdn(p, `gs.igdn${i}`, h, true);
  }
  return h;
}
