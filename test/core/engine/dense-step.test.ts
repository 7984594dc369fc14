// The hand-written dense forward/backward pass against tfjs autograd on the same model, batch and
// noise: every activation, both losses, an asymmetric decoder.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { denseLayers, denseLossAndGrads } from '../../../src-main/core/engine/dense-step.js';
import { buildAutoencoder, buildConv } from '../../../src-main/core/engine/models/build.js';
import type { Activation, LossName } from '../../../src-main/core/engine/model-card.js';
import { lossOf, trainableVariables } from '../../../src-main/core/engine/train.js';

beforeAll(async () => {
  process.env.LATENT_STUDIO_BACKEND = 'wasm';
  await chooseBackend();
});

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale || 1);
}

const cases: { activation: Activation; loss: LossName }[] = [];
for (const activation of ['relu', 'elu', 'tanh', 'sigmoid'] as const)
  for (const loss of ['bce', 'mse'] as const) cases.push({ activation, loss });

describe('hand-written dense pass', () => {
  it.each(cases)('matches autograd: $activation, $loss', ({ activation, loss }) => {
    const model = buildAutoencoder({ arch: 'dense', tile: 5, encoderLayers: [16, 12], decoderLayers: [9], codeSize: 6, activation }, 1, 4);
    const vars = trainableVariables(model);
    const layers = denseLayers(model)!;
    expect(layers.map((l) => l.act)).toEqual([activation, activation, 'linear', activation, 'sigmoid']);
    const before = tf.memory().numTensors;
    const [ours, ref] = tf.tidy(() => {
      const x = tf.randomUniform([7, 25], 0, 1, 'float32', 3) as tf.Tensor2D;
      const mine = denseLossAndGrads(layers, 2, loss, x, 11);
      const auto = tf.variableGrads(() => {
        const code = model.encoder.apply(x) as tf.Tensor;
        const noisy = tf.add(code, tf.randomUniform(code.shape, -0.5, 0.5, 'float32', 11));
        return lossOf(loss, x, model.decoder.apply(noisy) as tf.Tensor);
      }, vars);
      return [
        { loss: mine.loss.dataSync()[0]!, grads: mine.grads.map((g) => g.dataSync()) },
        { loss: auto.value.dataSync()[0]!, grads: vars.map((v) => auto.grads[v.name]!.dataSync()) },
      ];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(ours.loss - ref.loss)).toBeLessThan(1e-5 * Math.max(1, ref.loss));
    expect(ours.grads).toHaveLength(vars.length);
    ours.grads.forEach((g, i) => {
      expect(g.length).toBe(vars[i]!.size);
      expect(maxRelErr(g, ref.grads[i]!)).toBeLessThan(1e-4);
    });
    model.encoder.dispose();
    model.decoder.dispose();
  });

  it('is not used for models that are not a dense stack', () => {
    const conv = buildConv(
      { arch: 'conv', downsampling: 8, filters: [4, 4, 4], codeChannels: 2, kernelSize: 3, activation: 'relu', crop: 16, tile: 64 },
      1,
      1,
    );
    expect(denseLayers(conv)).toBeNull();
    conv.encoder.dispose();
    conv.decoder.dispose();
  });
});
