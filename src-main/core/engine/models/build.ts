// Pure model builders: hyperparameters in, encoder and decoder (tfjs layers models) out.
import * as tf from '@tensorflow/tfjs';
import type { ConvHyper, DenseHyper, Hyper } from '../model-card.js';
import { DepthToSpace } from './depth-to-space.js';

export interface Autoencoder {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

function init(seed: number, k: number) {
  return tf.initializers.glorotUniform({ seed: seed * 131 + k });
}

export function buildDense(h: DenseHyper, channels: number, seed: number): Autoencoder {
  const inputSize = h.tile * h.tile * channels;
  const encoder = tf.sequential({ name: 'encoder' });
  let k = 0;
  h.encoderLayers.forEach((units, i) =>
    encoder.add(
      tf.layers.dense({
        units,
        activation: h.activation,
        kernelInitializer: init(seed, k++),
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
    ),
  );
  encoder.add(
    tf.layers.dense({
      units: h.codeSize,
      activation: 'linear',
      kernelInitializer: init(seed, k++),
      ...(h.encoderLayers.length === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  const decoder = tf.sequential({ name: 'decoder' });
  h.decoderLayers.forEach((units, i) =>
    decoder.add(
      tf.layers.dense({
        units,
        activation: h.activation,
        kernelInitializer: init(seed, k++),
        ...(i === 0 ? { inputShape: [h.codeSize] } : {}),
      }),
    ),
  );
  decoder.add(
    tf.layers.dense({
      units: inputSize,
      activation: 'sigmoid',
      kernelInitializer: init(seed, k++),
      ...(h.decoderLayers.length === 0 ? { inputShape: [h.codeSize] } : {}),
    }),
  );
  return { encoder, decoder };
}

export function buildConv(h: ConvHyper, channels: number, seed: number): Autoencoder {
  const stages = Math.log2(h.downsampling);
  if (!Number.isInteger(stages) || h.filters.length !== stages) {
    throw new RangeError(`conv: ${h.filters.length} filter stages given, downsampling ${h.downsampling} needs ${stages}`);
  }
  let k = 0;
  const encoder = tf.sequential({ name: 'encoder' });
  h.filters.forEach((filters, i) =>
    encoder.add(
      tf.layers.conv2d({
        filters,
        kernelSize: h.kernelSize,
        strides: 2,
        padding: 'same',
        activation: h.activation,
        kernelInitializer: init(seed, k++),
        ...(i === 0 ? { inputShape: [null, null, channels] } : {}),
      }),
    ),
  );
  encoder.add(
    tf.layers.conv2d({ filters: h.codeChannels, kernelSize: 3, padding: 'same', activation: 'linear', kernelInitializer: init(seed, k++) }),
  );

  const decoder = tf.sequential({ name: 'decoder' });
  const rev = [...h.filters].reverse();
  decoder.add(
    tf.layers.conv2d({
      filters: rev[0]!,
      kernelSize: 3,
      padding: 'same',
      activation: h.activation,
      kernelInitializer: init(seed, k++),
      inputShape: [null, null, h.codeChannels],
    }),
  );
  // Each stage doubles the resolution: a 3x3 conv to 4x the filters, then depth-to-space.
  rev.forEach((filters) => {
    decoder.add(
      tf.layers.conv2d({
        filters: filters * 4,
        kernelSize: 3,
        padding: 'same',
        activation: h.activation,
        kernelInitializer: init(seed, k++),
      }),
    );
    decoder.add(new DepthToSpace({ blockSize: 2 }));
  });

  decoder.add(
    tf.layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', activation: 'sigmoid', kernelInitializer: init(seed, k++) }),
  );
  return { encoder, decoder };
}

export function buildAutoencoder(h: Hyper, channels: number, seed: number): Autoencoder {
  if (h.arch === 'dense') return buildDense(h, channels, seed);
  if (h.arch === 'conv') return buildConv(h, channels, seed);
  throw new Error(`${h.arch} is a learned family: it trains through train-rd.ts`);
}
