// How the tfjs backend choice reads, browser-safe (no tfjs import): the CLI prints it once at the
// start of a training and the studio's status bar shows it (backend.ts makes the choice).

import type { BackendReport } from '../contract/engine.js';

/** The backend choice is what getBackendInfo answers (the contract's BackendReport). */
export type BackendInfo = BackendReport;
export type BackendName = BackendInfo['backend'];

/** Why the native backend is absent in the usual case, in words a user can act on. */
export const NATIVE_NOT_INSTALLED =
  'native TensorFlow (@tensorflow/tfjs-node) is not installed: its download failed or was skipped when npm installed the studio';

export const BACKEND_LABELS: Record<BackendName, string> = {
  tensorflow: 'native TensorFlow',
  wasm: 'WebAssembly (XNNPACK, SIMD)',
  cpu: 'plain JavaScript',
};

/** One line naming the backend and, when it is not the native one, why (CLI stderr, status bar). */
export function backendLine(info: BackendInfo): string {
  const slower = info.backend === 'cpu' ? 'much slower' : 'slower';
  const line =
    info.backend === 'tensorflow'
      ? `tfjs backend: ${BACKEND_LABELS.tensorflow}`
      : `tfjs backend: ${BACKEND_LABELS[info.backend]}, ${slower} than native TensorFlow (${info.reason})`;
  return info.coding ? `${line}; image coding: ${info.coding.reason}` : line;
}

/** The same, short enough for a status bar (backendLine is its tooltip). */
export function backendShort(info: BackendInfo): string {
  const name = info.backend === 'wasm' ? 'WebAssembly' : BACKEND_LABELS[info.backend];
  const coding = info.coding?.name === 'onnx' ? ' · coding: onnxruntime' : '';
  if (info.backend === 'tensorflow') return `backend: ${name}${coding}`;
  const why = info.reason.startsWith('forced by')
    ? info.reason
    : info.reason.startsWith(NATIVE_NOT_INSTALLED)
      ? 'native TensorFlow not installed'
      : 'native TensorFlow failed to load';
  return `backend: ${name} (${why})${coding}`;
}
