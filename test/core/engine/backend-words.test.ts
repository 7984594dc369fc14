// Which backend the studio's work runs on, asked of a worker thread, in the words the CLI and the
// status bar show.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendLine, backendShort, NATIVE_NOT_INSTALLED } from '../../../src-main/core/engine/backend-words.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeAll(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: tmp.dir, host: 'test' });
});
afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

function nativeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

describe('getBackendInfo', () => {
  it('names the backend a worker loads and why, once per studio', async () => {
    const a = await studio.call('getBackendInfo', {});
    expect(['tensorflow', 'wasm', 'cpu']).toContain(a.backend);
    if (!nativeInstalled() && !process.env.LATENT_STUDIO_BACKEND) {
      expect(a.backend).toBe('wasm');
      expect(a.reason).toBe(NATIVE_NOT_INSTALLED);
      expect(backendLine(a)).toBe(
        `tfjs backend: WebAssembly (XNNPACK, SIMD), slower than native TensorFlow (${NATIVE_NOT_INSTALLED}); image coding: ${a.coding!.reason}`,
      );
    }
    // onnxruntime-node is a dependency: it codes images unless switched off.
    if (process.env.LATENT_STUDIO_NO_ONNX !== '1') {
      expect(a.coding).toEqual({ name: 'onnx', reason: expect.stringMatching(/^onnxruntime-node \d+\.\d+\.\d+ \(CPU\)$/) as unknown });
      expect(backendShort(a)).toMatch(/ · coding: onnxruntime$/);
    }
    expect(await studio.call('getBackendInfo', {})).toBe(a);
  });

  it('reads as one line', () => {
    expect(backendLine({ backend: 'tensorflow', reason: 'tensorflow loaded first' })).toBe('tfjs backend: native TensorFlow');
    expect(backendLine({ backend: 'cpu', reason: 'x' })).not.toContain('\n');
  });
});
