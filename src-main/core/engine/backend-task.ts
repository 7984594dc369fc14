// Worker task: which tfjs backend a worker thread loads (the one training and coding use) and
// whether onnxruntime runs the learned transforms there, without loading either in the studio's
// own process.
import { defineTask } from '../workers/task.js';
import { chooseBackend, type BackendInfo } from './backend.js';
import { onnxStatus } from './coding-runtime.js';

export default defineTask<Record<string, never>, never, BackendInfo>(async () => {
  const info = await chooseBackend();
  const onnx = await onnxStatus();
  return { ...info, coding: onnx.available ? { name: 'onnx', reason: onnx.reason } : { name: 'tfjs', reason: onnx.reason } };
});
