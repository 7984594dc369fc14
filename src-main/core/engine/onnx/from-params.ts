// Reads the analysis and synthesis weights of a learned model's ParamStore for the ONNX graphs:
// conv kernels and biases as stored, GDN beta and gamma as the EFFECTIVE values the tfjs code
// computes (gdnEffective: bounded, un-reparametrized), and a hash of exactly those values, which
// keys the session cache.
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { gdnEffective } from '../models/layers/gdn.js';
import type { ParamStore } from '../models/layers/params.js';
import type { Weight } from './graph.js';
import type { TransformWeights } from './transforms-graph.js';

export interface TransformParams {
  stages: number;
  /** Image channels (1 or 3) and latent channels (M). */
  channels: number;
  latentChannels: number;
  weights: TransformWeights;
  /** sha256 (hex) over the stage count and every value the graphs hold. */
  hash: string;
}

const GDN = /^(g[as]\.i?gdn\d+)\.(beta|gamma)$/;

function stagesIn(params: ParamStore, prefix: 'ga' | 'gs'): number {
  let s = 0;
  while (params.has(`${prefix}.${s}.w`)) s++;
  return s;
}

export function transformParams(params: ParamStore, stages: number): TransformParams {
  for (const prefix of ['ga', 'gs'] as const) {
    const found = stagesIn(params, prefix);
    if (found !== stages) throw new RangeError(`onnx: the model's ${prefix === 'ga' ? 'analysis' : 'synthesis'} has ${found} stages, not ${stages}`);
  }
  const map = new Map<string, Weight>();
  const hash = createHash('sha256').update(`stages ${stages}\n`);
  const put = (name: string, data: Float32Array, shape: readonly number[]) => {
    map.set(name, { data, shape });
    hash.update(`${name} [${shape.join(',')}]\n`).update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  };
  for (const e of params.entries) {
    if (!e.name.startsWith('ga.') && !e.name.startsWith('gs.')) continue;
    const gdn = GDN.exec(e.name);
    if (!gdn) {
      // A copy: the cpu backend's dataSync returns its own storage.
      put(e.name, Float32Array.from(e.variable.dataSync() as Float32Array), e.shape);
    } else if (gdn[2] === 'beta') {
      const layer = gdn[1]!;
      const [beta, gamma] = tf.tidy(() => {
        const eff = gdnEffective(params, layer);
        return [Float32Array.from(eff.beta.dataSync() as Float32Array), Float32Array.from(eff.gamma.dataSync() as Float32Array)];
      });
      put(`${layer}.beta`, beta!, [beta!.length]);
      put(`${layer}.gamma`, gamma!, [beta!.length, beta!.length]);
    }
  }
  const weights: TransformWeights = (name) => {
    const w = map.get(name);
    if (!w) throw new RangeError(`onnx: the model has no parameter ${name}`);
    return w;
  };
  return {
    stages,
    channels: weights('ga.0.w').shape[2]!,
    latentChannels: weights(`ga.${stages - 1}.w`).shape[3]!,
    weights,
    hash: hash.digest('hex'),
  };
}
