// The cpu backend's Conv2DBackpropFilter reads every element through TensorBuffer.get, about 80x
// slower than its own conv2d: one step of the conv autoencoder took minutes. The formulation the
// wasm backend uses (a dilated conv2d of the transposed input with dy as the filter) replaces it
// when the cpu backend is chosen.
import * as tf from '@tensorflow/tfjs-core';
import { conv2dFilterGrad } from './wasm-kernels.js';

let registered = false;

/** Registers the faster kernels for 'cpu' (the cpu backend must already be registered). */
export function registerCpuKernels(): void {
  if (registered) return;
  registered = true;
  // Benchmarks set this to measure stock tfjs.
  if (process.env.LATENT_STUDIO_STOCK_KERNELS === '1') return;
  if (tf.getKernel('Conv2DBackpropFilter', 'cpu')) tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'cpu',
    kernelFunc: ({ inputs, attrs }) => {
      const a = attrs as unknown as Parameters<typeof conv2dFilterGrad>[3] & { filterShape: [number, number, number, number] };
      return conv2dFilterGrad(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, a.filterShape, a);
    },
  });
}
