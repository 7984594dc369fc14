// The generic job runner with a real worker thread and a real SQLite catalog: claim, progress,
// pause acknowledged by the worker, cancel, and a crashed worker whose job resumes where its
// recorded units stop. The kind is the test's own declaration around the count task.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobProgressEvent, JobStateEvent } from '../../../src-main/core/contract/jobs.js';
import { declareJob } from '../../../src-main/core/jobs/declaration.js';
import { jobRunner } from '../../../src-main/core/jobs/runner.js';
import { Studio } from '../../../src-main/core/studio.js';
import { startWorkerTask, type WorkerHandle } from '../../../src-main/core/workers/host.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { countTask } from '../workers/count-ref.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
const states: JobStateEvent[] = [];
const progress: JobProgressEvent[] = [];
/** The worker of the latest run, so a test can end it as a crash would. */
let current: WorkerHandle<{ total: number }> | undefined;

/** Counts to `to`; each number is a unit recorded as a job item in the host, skipped on resume. */
const countJob = declareJob({
  kind: 'eval',
  label: 'counting',
  input: z.object({ to: z.number().int(), delayMs: z.number() }).strict(),
  pauseRefusal: () => undefined,
  run(run) {
    const from = run.catalog.jobs.finishedKeys(run.jobId).size + 1;
    current = startWorkerTask(countTask, { from, to: run.input.to, delayMs: run.input.delayMs }, {
      onProgress: (p) => {
        run.catalog.jobs.recordItem(run.jobId, { key: `n${p.at}`, outcome: 'done' });
        run.progress({ jobId: run.jobId, done: p.at, total: run.input.to, imagesDone: p.at, images: run.input.to, path: '', codec: 'latent', quality: 1 });
      },
    });
    return current;
  },
  end(run, end) {
    const finished = end.ok
      ? { jobId: run.jobId, state: 'done' as const }
      : { jobId: run.jobId, state: end.state, error: end.error };
    return end.ok ? { state: 'done', stored: end.value, finished } : { state: end.state, error: end.error, finished };
  },
  stored: () => undefined,
});

const until = async (ok: () => boolean, what: string) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const statesOf = (jobId: number) => states.filter((s) => s.jobId === jobId).map((s) => s.state);
const unitsOf = (jobId: number) => progress.filter((p) => p.jobId === jobId).length;

beforeAll(() => {
  tmp = makeTmpDir('ls-job-runner-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  studio.on('jobState', (s) => states.push(s));
  studio.on('jobProgress', (p) => progress.push(p));
});

afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('job runner', () => {
  it('claims, relays progress and records the end', async () => {
    const runner = jobRunner(studio.context);
    const { jobId, state } = runner.start(countJob, { to: 4, delayMs: 1 }, 4);
    expect(state).toBe('running');
    const job = runner.catalogOf().jobs.require(jobId);
    expect(job).toMatchObject({ state: 'running', pid: process.pid });
    // While it runs here, its operations go to the declaration it was started with.
    expect(runner.declarationOf(jobId)).toBe(countJob);
    const outcome = await runner.wait(countJob, jobId);
    expect(outcome).toMatchObject({ jobId, kind: 'eval', state: 'done' });
    expect(runner.declarationOf(jobId)).toBeUndefined();
    expect(runner.catalogOf().jobs.require(jobId)).toMatchObject({ state: 'done', done: 4, result: { total: 10 } });
    expect(unitsOf(jobId)).toBe(4);
    expect(statesOf(jobId)).toEqual(['running', 'done']);
  });

  it('reports paused only once the worker has stopped, then resumes', async () => {
    const runner = jobRunner(studio.context);
    const { jobId } = runner.start(countJob, { to: 10_000, delayMs: 2 });
    await until(() => unitsOf(jobId) >= 2, 'two units');
    const paused = runner.pause(countJob, jobId);
    expect(statesOf(jobId)).toEqual(['running']); // asked, not yet acknowledged
    expect(await paused).toBe('paused');
    expect(statesOf(jobId)).toEqual(['running', 'paused']);
    expect(runner.catalogOf().jobs.require(jobId).state).toBe('paused');
    const atAck = unitsOf(jobId);
    expect(await runner.resume(countJob, jobId)).toBe('running');
    // A unit done while paused would have reached the host before the worker's 'resumed'.
    expect(unitsOf(jobId)).toBe(atAck);
    expect(statesOf(jobId)).toEqual(['running', 'paused', 'running']);
    await until(() => unitsOf(jobId) > atAck, 'a unit after the resume');
    expect(await runner.cancel(countJob, jobId)).toBe(true);
    const outcome = await runner.wait(countJob, jobId);
    expect(outcome).toMatchObject({ state: 'cancelled', error: 'cancelled' });
    expect(statesOf(jobId).at(-1)).toBe('cancelled');
    expect(runner.catalogOf().jobs.require(jobId).done).toBeLessThan(10_000);
  });

  it('resumes a job whose worker crashed, after its last recorded unit', async () => {
    const runner = jobRunner(studio.context);
    const { jobId } = runner.start(countJob, { to: 30, delayMs: 5 }, 30);
    await until(() => unitsOf(jobId) >= 3, 'three units');
    await current!.terminate();
    const crashed = await runner.wait(countJob, jobId);
    expect(crashed.state).toBe('failed');
    expect(crashed.error).toMatch(/exited with code/);
    const recorded = runner.catalogOf().jobs.finishedKeys(jobId).size;
    expect(recorded).toBeGreaterThanOrEqual(3);
    expect(recorded).toBeLessThan(30);

    expect(await runner.resume(countJob, jobId)).toBe('running');
    const outcome = await runner.wait(countJob, jobId);
    expect(outcome.state).toBe('done');
    const job = runner.catalogOf().jobs.require(jobId);
    expect(job.done).toBe(30);
    // The second run counted only what the first had not recorded.
    const total = ((recorded + 1 + 30) * (30 - recorded)) / 2;
    expect(job.result).toEqual({ total });
    expect(runner.catalogOf().jobs.items(jobId).map((i) => i.key)).toEqual(Array.from({ length: 30 }, (_, i) => `n${i + 1}`));
  });

  it('refuses to pause a kind that cannot, in one line', async () => {
    const runner = jobRunner(studio.context);
    const noPause = { ...countJob, pauseRefusal: undefined };
    const { jobId } = runner.start(noPause, { to: 10_000, delayMs: 2 });
    await expect(runner.pause(noPause, jobId)).rejects.toMatchObject({ code: 'unsupported' });
    await runner.cancel(noPause, jobId);
    expect((await runner.wait(noPause, jobId)).state).toBe('cancelled');
  });
});
