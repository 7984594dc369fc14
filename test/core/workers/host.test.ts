// The worker plumbing with a real worker thread: progress, cancel, pause acknowledged only once
// the task has stopped at its checkpoint, errors, a crash; a thread busy in onnxruntime is never
// stopped from outside; and no test task in the registry.
import { describe, expect, it } from 'vitest';
import { taskLoader } from '../../../src-main/core/registry/task-registry.js';
import { startWorkerTask } from '../../../src-main/core/workers/host.js';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { learnedImpl } from '../../../src-main/core/engine/models/registry.js';
import { transformParams } from '../../../src-main/core/engine/onnx/from-params.js';
import { SYNTHESIS_INPUT, synthesisModel } from '../../../src-main/core/engine/onnx/transforms-graph.js';
import { countTask } from './count-ref.js';
import { onnxBusyTask } from './onnx-busy-ref.js';

/** A small hyperprior's synthesis graph (N 16, M 24) and an input of 16x16 latents (a 256x256 image). */
async function synthesisGraph(): Promise<{ model: Uint8Array; inputName: string; shape: number[] }> {
  await chooseBackend();
  const p = learnedImpl('hyperprior').build({ arch: 'hyperprior', n: 16, m: 24, lambdas: [0.005, 0.02], crop: 64 }, 3, 1);
  try {
    return { model: synthesisModel(transformParams(p, 4).weights, 4), inputName: SYNTHESIS_INPUT, shape: [1, 16, 16, 24] };
  } finally {
    p.dispose();
  }
}

describe('worker host', () => {
  it('runs a task in a worker thread and reports progress', async () => {
    const seen: number[] = [];
    const h = startWorkerTask(countTask, { to: 5, delayMs: 1 }, { onProgress: (p) => seen.push(p.at) });
    expect(await h.result).toEqual({ total: 15 });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('cancels within one unit of work', async () => {
    const seen: number[] = [];
    const h = startWorkerTask(countTask, { to: 1000, delayMs: 5 }, {
      onProgress: (p) => {
        seen.push(p.at);
        if (p.at === 3) h.cancel();
      },
    });
    await expect(h.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen.length).toBeLessThan(6);
  });

  it('acknowledges a pause only when the task has stopped, and goes on after resume', async () => {
    const seen: number[] = [];
    let paused: Promise<void> | undefined;
    const h = startWorkerTask(countTask, { to: 6, delayMs: 20 }, {
      onProgress: (p) => {
        seen.push(p.at);
        if (p.at === 2) paused = h.pause();
      },
    });
    while (!paused) await new Promise((r) => setImmediate(r));
    await paused;
    // It finishes the units it did before the request reached the thread (how many depends on the
    // machine's load), then parks at the next checkpoint: nothing more arrives until the resume.
    const atAck = seen.length;
    expect(atAck).toBeGreaterThanOrEqual(2);
    expect(atAck).toBeLessThan(6);
    await h.resume();
    // Messages keep their order: a unit done while paused would have arrived before 'resumed'.
    expect(seen.length).toBe(atAck);
    expect(await h.result).toEqual({ total: 21 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reports a task error as a one-line message', async () => {
    const h = startWorkerTask(countTask, { to: 5, delayMs: 1, failAt: 2 });
    await expect(h.result).rejects.toThrow('failed at 2');
  });

  it('reports a thread that ends mid-task as a failure', async () => {
    const h = startWorkerTask(countTask, { to: 1000, delayMs: 5 }, { onProgress: (p) => p.at === 2 && void h.terminate() });
    await expect(h.result).rejects.toThrow(/exited with code/);
  });

  // Stopping a thread from outside while it is inside an onnxruntime run aborts the whole process
  // ("terminate called after throwing an instance of 'Napi::Error'"): had the host done so, this
  // test file's process would die here.
  it('a thread that returns with onnxruntime runs still under way finishes them and ends by itself', async () => {
    const model = await synthesisGraph();
    for (let k = 0; k < 3; k++) {
      const seen: number[] = [];
      const h = startWorkerTask(onnxBusyTask, { ...model, runs: 40 }, { onProgress: (p) => seen.push(p.run) });
      expect(await h.result).toEqual({ started: true });
      await h.exited;
      expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    }
  });

  it('terminate() ends a thread busy in onnxruntime runs without taking the process with it', async () => {
    const model = await synthesisGraph();
    for (let k = 0; k < 5; k++) {
      const h = startWorkerTask(onnxBusyTask, { ...model, runs: 0 }, { onProgress: (p) => p.run === 3 + k && void h.terminate() });
      await expect(h.result).rejects.toThrow(/exited with code/);
      await h.exited;
    }
  });

  it('registers no test task in production', () => {
    expect(taskLoader('test.count')).toBeUndefined();
    expect(taskLoader('engine.train')).toBeDefined();
  });
});
