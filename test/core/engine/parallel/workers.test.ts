// The workers setting: the train request accepts 1..64 replicas, the CLI's --workers checks its
// range before anything starts, and the default follows the cores (at least 1, at most 8).
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../../src-main/cli/main.js';
import { TrainRequest } from '../../../../src-main/core/contract/engine.js';
import { defaultTrainWorkers } from '../../../../src-main/core/engine/parallel/workers.js';
import { makeTmpDir } from '../../../helpers/tmp-home.js';
import { sink } from '../../../helpers/text-sink.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => (tmp = makeTmpDir('ls-workers-')));
afterAll(() => tmp.cleanup());

describe('workers setting', () => {
  it('TrainRequest takes an integer from 1 to 64', () => {
    expect(TrainRequest.safeParse({ dataset: 'd', workers: 2 }).success).toBe(true);
    expect(TrainRequest.safeParse({ dataset: 'd', workers: 64 }).success).toBe(true);
    for (const bad of [0, 65, 1.5, -1]) expect(TrainRequest.safeParse({ dataset: 'd', workers: bad }).success, String(bad)).toBe(false);
  });

  it('defaults to the cores, capped at 8', () => {
    expect(defaultTrainWorkers()).toBe(Math.max(1, Math.min(os.availableParallelism(), 8)));
  });

  it('train --workers out of range is a one-line usage error', async () => {
    const stdout = sink();
    const stderr = sink();
    const code = await main(['--home', path.join(tmp.dir, 'home'), 'train', '--dataset', 'x', '--workers', '0'], {
      stdout,
      stderr,
      env: {},
    });
    expect(code).toBe(1);
    expect(stderr.text()).toContain("--workers must be a whole number from 1 to 64, got '0'");
  });
});
