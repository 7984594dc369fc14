// The backend is chosen once per process: each case runs in a child process.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_NOT_INSTALLED } from '../../../src-main/core/engine/backend-words.js';

const root = path.resolve(import.meta.dirname, '../../..');
function runWith(env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(root, 'bin/run-ts.js'), path.join(root, 'test/core/engine/child/backend-in-child.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

function lastJson(out: string): { backend: string; reason: string } {
  return JSON.parse(out.trim().split('\n').at(-1)!) as { backend: string; reason: string };
}

describe('backend choice', () => {
  it('falls back from tensorflow to wasm here, saying why', () => {
    const info = lastJson(runWith({ LATENT_STUDIO_BACKEND: '' }).stdout);
    expect(['tensorflow', 'wasm']).toContain(info.backend);
    // Not installed (the usual case: its download failed) is said in words; any other failure names the error.
    if (info.backend === 'wasm')
      expect(info.reason === NATIVE_NOT_INSTALLED || /^tensorflow unavailable \(/.test(info.reason), info.reason).toBe(true);
  });

  it('LATENT_STUDIO_BACKEND forces a backend, and a bad value is a clear error', () => {
    const cpu = lastJson(runWith({ LATENT_STUDIO_BACKEND: 'cpu' }).stdout);
    expect(cpu).toEqual({ backend: 'cpu', reason: 'forced by LATENT_STUDIO_BACKEND' });
    const bad = runWith({ LATENT_STUDIO_BACKEND: 'gpu' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('LATENT_STUDIO_BACKEND=gpu: must be one of tensorflow, wasm, cpu');
  });
});
