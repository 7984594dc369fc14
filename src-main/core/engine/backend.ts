// The one place that picks the tfjs backend: native TensorFlow (@tensorflow/tfjs-node) when it
// loads, else WebAssembly (XNNPACK, SIMD), else plain JavaScript. LATENT_STUDIO_BACKEND forces one.
import * as tf from '@tensorflow/tfjs-core';
// The union package registers every op's gradient (tfjs-core's node entry does not) and the cpu backend.
import '@tensorflow/tfjs';
import { StudioError } from '../contract/errors.js';
import { NATIVE_NOT_INSTALLED } from './backend-words.js';

export type { BackendInfo, BackendName } from './backend-words.js';
import type { BackendInfo, BackendName } from './backend-words.js';

export const BACKEND_ENV = 'LATENT_STUDIO_BACKEND';
const ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let chosen: Promise<BackendInfo> | null = null;

async function tryBackend(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // Optional dependency: absent where its native download failed (ERR_MODULE_NOT_FOUND).
    const mod = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ mod);
  } else if (name === 'wasm') {
    const { registerWasmKernels } = await import('./wasm-kernels.js');
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
  } else {
    const { registerCpuKernels } = await import('./cpu-kernels.js');
    registerCpuKernels();
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

/** Picks and initializes the backend once per process (worker threads each pick their own). */
export function chooseBackend(env: NodeJS.ProcessEnv = process.env): Promise<BackendInfo> {
  chosen ??= (async () => {
    const forced = env[BACKEND_ENV];
    if (forced) {
      if (!ORDER.includes(forced as BackendName)) {
        throw new StudioError('bad-request', `${BACKEND_ENV}=${forced}: must be one of ${ORDER.join(', ')}`);
      }
      try {
        await tryBackend(forced as BackendName);
      } catch (err) {
        throw new StudioError('unsupported', `${BACKEND_ENV}=${forced}: backend failed to load (${firstLine(err)})`);
      }
      return { backend: forced as BackendName, reason: `forced by ${BACKEND_ENV}` };
    }
    const failures: string[] = [];
    for (const name of ORDER) {
      try {
        await tryBackend(name);
        return { backend: name, reason: failures.length ? `${failures.join('; ')}` : `${name} loaded first` };
      } catch (err) {
        failures.push(name === 'tensorflow' && isNotInstalled(err) ? NATIVE_NOT_INSTALLED : `${name} unavailable (${firstLine(err)})`);
      }
    }
    throw new StudioError('internal', `no tfjs backend loaded: ${failures.join('; ')}`);
  })();
  return chosen;
}

function isNotInstalled(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err);
  return msg.split('\n')[0] ?? msg;
}
