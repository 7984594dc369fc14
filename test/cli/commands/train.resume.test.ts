// A training job killed for real (SIGKILL of the CLI process, its worker with it) after at least
// one epoch's checkpoint: the next open finds it 'interrupted', resumeJob continues it from the
// checkpoint (its epochs start after it, none is redone), and it ends with every epoch, the same
// model id, the model saved and cataloged, and the checkpoint folder gone. The result is the
// model the uninterrupted run with the same seed makes.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import type { TrainProgressPayload, TrainRequest } from '../../../src-main/core/contract/engine.js';
import { readRdCheckpoint } from '../../../src-main/core/engine/train-rd-checkpoint.js';
import type { TrainJobRecordInput } from '../../../src-main/core/engine/train-jobs.js';
import { studioHome } from '../../../src-main/core/system/home.js';
import { Studio } from '../../../src-main/core/studio.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { jobResult, onJobProgress } from '../../helpers/jobs.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const EPOCHS = 8;
const REQUEST: TrainRequest = { dataset: 'digits', epochs: EPOCHS, batchSize: 4, seed: 11, codeSize: 16 };

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;

beforeAll(async () => {
  tmp = makeTmpDir('ls-train-kill-');
  home = path.join(tmp.dir, 'home');
  const studio = new Studio({ homeDir: home, host: 'test' });
  const { jobId } = await studio.call('importPaths', { paths: [path.join(FIXTURES, 'digits')], dataset: 'digits' });
  await jobResult(studio, 'import', jobId);
  await studio.close();
}, 60_000);

afterAll(() => tmp?.cleanup());

const checkpointDirs = () => readdirSync(studioHome(home).tmpDir).filter((n) => n.startsWith('train-job-'));

describe('training resumes after a crash', () => {
  it('continues a SIGKILLed training job from its last epoch checkpoint', async () => {
    const args = ['train', '--dataset', 'digits', '--epochs', String(EPOCHS), '--batch-size', '4', '--seed', '11', '--code-size', '16'];
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'latent-studio.js'), '--home', home, '--json', ...args], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on('exit', (code, signal) => r(signal ?? code)));
    const t0 = Date.now();
    const checkpointFile = () => {
      const [dir] = checkpointDirs();
      const file = dir && path.join(studioHome(home).tmpDir, dir, 'checkpoint.bin');
      return file && existsSync(file) ? file : undefined;
    };
    while (!checkpointFile()) {
      if (Date.now() - t0 > 90_000) throw new Error('no epoch checkpoint within 90 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const catalog = openCatalog(studioHome(home).catalogFile);
    const job = catalog.jobs.list({ kind: 'train' })[0]!;
    expect(job).toMatchObject({ state: 'interrupted', total: EPOCHS });
    const { modelId } = job.input as TrainJobRecordInput;
    expect(catalog.models.get(modelId)).toBeUndefined();
    catalog.close();
    // Small images train a learned family by default: its rate-distortion checkpoint.
    const checkpoint = await readRdCheckpoint(checkpointFile()!, modelId);
    const done = checkpoint!.history.length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(EPOCHS); // killed mid-run, not after it
    // The job's progress is the epochs saved (the kill may fall between the checkpoint and this count).
    expect(job.done).toBeGreaterThanOrEqual(done - 1);
    expect(job.done).toBeLessThanOrEqual(done);

    const studio = new Studio({ homeDir: home, host: 'test' });
    try {
      const listed = (await studio.call('listJobs', { jobId: job.id })).jobs[0]!;
      expect(listed).toMatchObject({ kind: 'train', state: 'interrupted', resumable: true });
      const progress: TrainProgressPayload[] = [];
      onJobProgress(studio, 'train', (p) => progress.push(p));
      expect(await studio.call('resumeJob', { jobId: job.id })).toEqual({ jobId: job.id, kind: 'train', state: 'running' });
      const result = await jobResult(studio, 'train', job.id);

      const epochs = progress.flatMap((p) => (p.kind === 'epoch' ? [p.epoch] : []));
      expect(epochs).toEqual(Array.from({ length: EPOCHS - done }, (_, i) => done + 1 + i));
      expect(progress.some((p) => p.kind === 'batch' && p.epoch <= done)).toBe(false);
      expect(result).toMatchObject({ model: modelId, epochs: EPOCHS, seed: 11 });

      const detail = await studio.call('getModel', { id: modelId });
      expect(detail.runs[0]).toMatchObject({ state: 'done' });
      expect(detail.runs[0]!.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
      expect((await studio.call('listJobs', { jobId: job.id })).jobs[0]).toMatchObject({ state: 'done', done: EPOCHS, total: EPOCHS });
      expect(checkpointDirs()).toEqual([]);
      await expect(studio.call('resumeJob', { jobId: job.id })).rejects.toThrow(`job ${job.id} is already done`);

      // The same request never interrupted trains the same model.
      const again = await jobResult(studio, 'train', (await studio.call('trainModel', REQUEST)).jobId);
      expect(again.model).not.toBe(modelId);
      expect({ loss: again.loss, valLoss: again.valLoss, epochs: again.epochs, rd: again.rd }).toEqual({
        loss: result.loss,
        valLoss: result.valLoss,
        epochs: result.epochs,
        rd: result.rd,
      });
    } finally {
      await studio.close();
    }
  }, 180_000);
});
