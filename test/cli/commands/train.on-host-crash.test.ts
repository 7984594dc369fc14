// A training on the training host (job kind train.remote, on the generic runner) whose work here
// ends at once, as a crash would, after the host accepted the training: the job fails with the
// host's job recorded, the host trains on, and resumeJob follows the host's job again without
// checking or sending any image. A second `latent-studio serve --token-file F` process is the host.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import type { RemoteTrainProgress } from '../../../src-main/core/contract/jobs.js';
import { jobRunner } from '../../../src-main/core/jobs/runner.js';
import { remoteTrainJob } from '../../../src-main/core/remote/remote-train.js';
import { Studio } from '../../../src-main/core/studio.js';
import { fixtureFiles } from '../../helpers/engine-fixtures.js';
import { jobOutcome, jobResult, onJobProgress } from '../../helpers/jobs.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const BIN = path.resolve(import.meta.dirname, '../../../bin/latent-studio.js');
const TOKEN = 'crash-test-token-0123456789abcdef';

let tmp: ReturnType<typeof makeTmpDir>;
let host: ChildProcess | undefined;
let studio: Studio;

/** `serve` as its own process; resolves with its address once it printed the launch link. */
function serveHost(home: string, tokenFile: string): Promise<string> {
  const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--no-open', '--token-file', tokenFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host = proc;
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?launch=/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    proc.once('exit', (code) => reject(new Error(`the host exited (${code}): ${err}`)));
  });
}

beforeAll(async () => {
  tmp = makeTmpDir('ls-remote-crash-');
  const tokenFile = path.join(tmp.dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  chmodSync(tokenFile, 0o600);
  const url = await serveHost(path.join(tmp.dir, 'host-home'), tokenFile);
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  await studio.call('updateSettings', { trainingHost: { url, token: TOKEN } });
  const { jobId } = await studio.call('importPaths', { paths: fixtureFiles('digits').slice(0, 12), dataset: 'few digits' });
  await jobResult(studio, 'import', jobId);
}, 60_000);

afterAll(async () => {
  await studio?.close();
  if (host && host.exitCode === null) {
    const exited = new Promise((r) => host!.once('exit', r));
    host.kill('SIGTERM');
    await exited;
  }
  tmp?.cleanup();
});

describe('training on the host, crashed work here', () => {
  it('fails with the host job recorded; resumeJob follows it again without sending images', async () => {
    const before: RemoteTrainProgress[] = [];
    let crash: Promise<void> | undefined;
    const off = onJobProgress(studio, 'train.remote', (p, jobId) => {
      before.push(p);
      // The host trains (an epoch of its own progress came back): end the work here at once.
      if (!crash && p.kind === 'epoch') crash = jobRunner(studio.context).terminate(remoteTrainJob, jobId);
    });
    const req = { dataset: 'few digits', arch: 'dense-prior' as const, codeSize: 8, layers: [32], epochs: 30, seed: 4, workers: 1 };
    const { jobId } = await studio.call('trainOnHost', { ...req, name: 'after a crash' });
    const crashed = await jobOutcome(studio, 'train.remote', jobId);
    off();
    await crash;
    expect(crashed).toMatchObject({ state: 'failed', error: expect.stringMatching(/stopped following the training host at once/) });
    expect(before.filter((p) => p.kind === 'host' && p.phase === 'uploading').at(-1)).toMatchObject({ done: 12, total: 12 });
    const recorded = getCatalog(studio.context).jobs.items(jobId, 'done');
    expect(recorded.map((i) => i.key)).toEqual(['host-job']);

    const after: RemoteTrainProgress[] = [];
    const off2 = onJobProgress(studio, 'train.remote', (p) => after.push(p));
    expect(await studio.call('resumeJob', { jobId })).toEqual({ jobId, kind: 'train.remote', state: 'running' });
    const result = await jobResult(studio, 'train.remote', jobId);
    off2();
    expect(result).toMatchObject({ name: 'after a crash', epochs: 30 });
    expect((await studio.call('getModel', { id: result.model })).name).toBe('after a crash');
    // The resumed run followed the recorded host job: no image checked or sent again.
    const phases = after.flatMap((p) => (p.kind === 'host' ? [p.phase] : []));
    expect(phases).toEqual(['training', 'fetching']);
    expect(after.some((p) => p.kind === 'epoch')).toBe(true);
  }, 90_000);

  it('cancelJob stops it on the host; awaitJob says cancelled', async () => {
    const req = { dataset: 'few digits', arch: 'dense-prior' as const, codeSize: 8, layers: [32], epochs: 5000, seed: 8, workers: 1 };
    let cancel: Promise<unknown> | undefined;
    const off = onJobProgress(studio, 'train.remote', (p, jobId) => {
      if (!cancel && p.kind === 'epoch') cancel = studio.call('cancelJob', { jobId });
    });
    const { jobId } = await studio.call('trainOnHost', { ...req, name: 'cancelled here' });
    const o = await jobOutcome(studio, 'train.remote', jobId);
    off();
    expect(await cancel).toMatchObject({ jobId, cancelled: true });
    expect(o).toMatchObject({ state: 'cancelled' });
    expect(o.result).toBeUndefined();
    expect((await studio.call('listJobs', { jobId })).jobs[0]).toMatchObject({ state: 'cancelled' });
  }, 90_000);
});
