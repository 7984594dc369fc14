// The onnxruntime task as the host names it: loaded by its file, never registered.
import { fileURLToPath } from 'node:url';
import { taskRef } from '../../../src-main/core/workers/task.js';

export const onnxBusyTask = taskRef(
  'test.onnx-busy',
  () => import('./onnx-busy-task.js'),
  fileURLToPath(new URL('./onnx-busy-task.ts', import.meta.url)),
);
