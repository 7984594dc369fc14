import { describe, expect, it } from 'vitest';
import { startWorkerTask } from '../../../src-main/core/jobs/worker-host.js';

describe('worker host', () => {
  it('runs a task in a worker thread and reports progress', async () => {
    const seen: number[] = [];
    const h = startWorkerTask('test.count', { to: 5, delayMs: 1 }, { onProgress: (p) => seen.push(p.at) });
    expect(await h.result).toEqual({ total: 15 });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('cancels within one unit of work', async () => {
    const seen: number[] = [];
    const h = startWorkerTask('test.count', { to: 1000, delayMs: 5 }, {
      onProgress: (p) => {
        seen.push(p.at);
        if (p.at === 3) h.cancel();
      },
    });
    await expect(h.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen.length).toBeLessThan(6);
  });

  it('pauses and resumes', async () => {
    const seen: number[] = [];
    const h = startWorkerTask('test.count', { to: 6, delayMs: 2 }, {
      onProgress: (p) => {
        seen.push(p.at);
        if (p.at === 2) {
          h.pause();
          setTimeout(() => {
            expect(seen.length).toBeLessThanOrEqual(3);
            h.resume();
          }, 100);
        }
      },
    });
    expect(await h.result).toEqual({ total: 21 });
  });

  it('reports a task error as a one-line message', async () => {
    const h = startWorkerTask('test.count', { to: 5, delayMs: 1, failAt: 2 });
    await expect(h.result).rejects.toThrow('failed at 2');
  });
});
