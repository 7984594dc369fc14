// Training on a remote host: a second `latent-studio serve --host 0.0.0.0 --token-file F` process
// on another port is the training host of a studio in this process. The dataset's images go up
// once, content-addressed; a second training of the same dataset sends nothing and reuses the
// host's dataset; the model comes back as a .lsmodel into the local catalog (same weights hash as
// on the host, filed under the local dataset); the host's progress arrives as local events.
// Refusals: beyond loopback without a token file, a token file others can read, a wrong token.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { Studio } from '../../../src-main/core/studio.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { collectJobEvents, jobResult, onJobProgress } from '../../helpers/jobs.js';
import { sink } from '../../helpers/text-sink.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { DEFAULT_MAX_PIXELS } from '../../../src-main/core/contract/limits.js';

const BIN = path.resolve(import.meta.dirname, '../../../bin/latent-studio.js');
const TOKEN = 'host-token-0123456789abcdef-never-printed';
/** A tiny learned model, one epoch, one thread: seconds, not minutes, beside the background training. */
const TRAIN = ['--arch', 'dense-prior', '--code-size', '8', '--layers', '32', '--epochs', '1', '--seed', '5', '--workers', '1'];

let tmp: ReturnType<typeof makeTmpDir>;
let hostHome: string;
let host: ChildProcess | undefined;
let hostStderr = '';
let hostUrl = '';

async function cli(home: string, ...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', home, ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** `serve` as its own process; resolves with its port once it printed the launch link, or with its exit. */
function serve(home: string, ...args: string[]): Promise<{ proc: ChildProcess; port: number } | { code: number; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--no-open', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let out = '';
  return new Promise((resolve) => {
    proc.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
      hostStderr = stderr;
    });
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?launch=/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

function tokenFile(name: string, token: string, mode: number): string {
  const f = path.join(tmp.dir, name);
  writeFileSync(f, `${token}\n`);
  chmodSync(f, mode);
  return f;
}

describe('training on a remote host', () => {
  beforeAll(async () => {
    tmp = makeTmpDir('ls-remote-train-');
    hostHome = path.join(tmp.dir, 'host-home');
    const r = await serve(hostHome, '--host', '0.0.0.0', '--token-file', tokenFile('token', TOKEN, 0o600));
    if (!('proc' in r)) throw new Error(`the host did not start: ${r.stderr}`);
    host = r.proc;
    hostUrl = `http://127.0.0.1:${r.port}`;
    // 12 digits: a tiny dataset.
    const images = path.join(tmp.dir, 'digits');
    mkdirSync(images);
    for (const f of readdirSync(path.join(FIXTURES, 'digits'))
      .filter((n) => n.endsWith('.png'))
      .sort()
      .slice(0, 12))
      writeFileSync(path.join(images, f), readFileSync(path.join(FIXTURES, 'digits', f)));
    expect((await cli(path.join(tmp.dir, 'home'), 'import', images, '--dataset', 'my digits')).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    if (host && host.exitCode === null) {
      const exited = new Promise((r) => host!.once('exit', r));
      host.kill('SIGTERM');
      await exited;
    }
    tmp?.cleanup();
  });

  it('refuses beyond loopback without a token file, a token file others can read, and a short token', async () => {
    const noToken = await serve(path.join(tmp.dir, 'h2'), '--host', '0.0.0.0');
    expect(noToken).toMatchObject({ code: 1 });
    const lines = (noToken as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringContaining('--host 0.0.0.0: the studio serves beyond loopback only as a training host, with --token-file FILE'),
    ]);
    const open = await serve(path.join(tmp.dir, 'h3'), '--host', '0.0.0.0', '--token-file', tokenFile('open', TOKEN, 0o644));
    expect((open as { stderr: string }).stderr).toContain('other users can read this token file (chmod 600');
    const short = await serve(path.join(tmp.dir, 'h4'), '--token-file', tokenFile('short', 'abc', 0o600));
    expect((short as { stderr: string }).stderr).toContain('at least 16 printable characters');
  }, 60_000);

  it('trains there: images sent once, the model back in the local catalog under the local dataset', async () => {
    const home = path.join(tmp.dir, 'home');
    const hostToken = tokenFile('client-token', TOKEN, 0o600);
    const set = await cli(home, '--json', 'settings', '--training-host', hostUrl, '--host-token-file', hostToken);
    expect(JSON.parse(set.stdout)).toEqual({ queue: null, trainingHost: { url: hostUrl, tokenSet: true }, maxPixels: DEFAULT_MAX_PIXELS });

    const r = await cli(home, '--json', 'train', '--on-host', '--dataset', 'my digits', ...TRAIN, '--no-verdict');
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { model: string; name: string; epochs: number; arch: string };
    expect(doc).toMatchObject({ arch: 'dense-prior', epochs: 1, name: 'my digits dense-prior' });
    // The progress of the host's training reached this studio's bar.
    expect(r.stderr).toMatch(/train \[#+\] 1\/1 loss/);
    // Every image went up once, under its content hash.
    expect(readdirSync(path.join(hostHome, 'training-host', 'blobs')).filter((f) => /^[0-9a-f]{64}$/.test(f))).toHaveLength(12);

    // The model is here, with the host's weights, filed under the local dataset.
    const local = JSON.parse((await cli(home, '--json', 'models')).stdout) as {
      models: { id: string; dataset: string | null; weightsHash: string }[];
    };
    const mine = local.models.find((m) => m.id === doc.model)!;
    expect(mine.dataset).toBe('my digits');
    const there = JSON.parse((await cli(hostHome, '--json', 'models')).stdout) as typeof local;
    expect(there.models.find((m) => m.id === doc.model)?.weightsHash).toBe(mine.weightsHash);
    // ...and it codes here: compress one digit with it.
    const digit = path.join(tmp.dir, 'digits', readdirSync(path.join(tmp.dir, 'digits'))[0]!);
    expect((await cli(home, 'compress', '--model', doc.model, digit, '--out', path.join(tmp.dir, 'out'))).code).toBe(0);
  }, 60_000);

  it('a second training of the same dataset sends nothing and reuses the host dataset; events arrive here', async () => {
    const studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
    const progress = collectJobEvents(studio, 'train.remote', 'progress');
    const finished = collectJobEvents(studio, 'train.remote', 'finished');
    try {
      const { jobId } = await studio.call('trainOnHost', {
        dataset: 'my digits',
        arch: 'dense-prior',
        codeSize: 8,
        layers: [32],
        epochs: 1,
        seed: 6,
        workers: 1,
        name: 'second',
      });
      const result = await jobResult(studio, 'train.remote', jobId);
      expect(result.name).toBe('second');
      const mine = progress.events.filter((p) => p.jobId === jobId);
      // The host's phases (kind 'host'), then the host's training progress.
      expect(mine.flatMap((p) => (p.kind === 'host' && p.phase === 'uploading' ? [p.total] : []))).toEqual([0]);
      expect(mine.filter((p) => p.kind !== 'host').length).toBeGreaterThan(0);
      expect(finished.events.filter((f) => f.jobId === jobId)).toHaveLength(1);
      const { jobs } = await studio.call('listJobs', { jobId });
      expect(jobs[0]).toMatchObject({ kind: 'train.remote', state: 'done' });
    } finally {
      await studio.close();
    }
    // One dataset on the host, imported once.
    const datasets = JSON.parse((await cli(hostHome, '--json', 'datasets')).stdout) as { datasets: { name: string; images: number }[] };
    expect(datasets.datasets).toEqual([expect.objectContaining({ images: 12 })]);
    expect(datasets.datasets[0]!.name).toMatch(/^host-[0-9a-f]{24}$/);
  }, 60_000);

  it('a studio closed mid-training resumes by following the host; cancelJob stops the training on the host', async () => {
    const home = path.join(tmp.dir, 'home');
    const req = { dataset: 'my digits', arch: 'dense-prior' as const, codeSize: 8, layers: [32], epochs: 40, seed: 7, workers: 1 };
    const first = new Studio({ homeDir: home, host: 'test' });
    const progressed = new Promise<void>((resolve) => onJobProgress(first, 'train.remote', (p) => p.kind !== 'host' && resolve()));
    const { jobId } = await first.call('trainOnHost', { ...req, name: 'resumed' });
    await progressed;
    await first.close();
    const second = new Studio({ homeDir: home, host: 'test' });
    try {
      expect((await second.call('listJobs', { jobId })).jobs[0]).toMatchObject({ state: 'interrupted', resumable: true });
      expect(await second.call('resumeJob', { jobId })).toMatchObject({ kind: 'train.remote', state: 'running' });
      const result = await jobResult(second, 'train.remote', jobId);
      expect(result).toMatchObject({ name: 'resumed', epochs: 40 });
      expect((await second.call('getModel', { id: result.model })).name).toBe('resumed');

      const cancelled = await second.call('trainOnHost', { ...req, epochs: 5000, name: 'cancelled' });
      await new Promise<void>((resolve) =>
        onJobProgress(second, 'train.remote', (p, id) => p.kind !== 'host' && id === cancelled.jobId && resolve()),
      );
      expect(await second.call('cancelJob', { jobId: cancelled.jobId })).toMatchObject({ cancelled: true });
      await expect(jobResult(second, 'train.remote', cancelled.jobId)).rejects.toThrow('cancelled');
      expect((await second.call('listJobs', { jobId: cancelled.jobId })).jobs[0]).toMatchObject({ state: 'cancelled' });
      // The host stopped it too: its job is cancelled there.
      const hostJobs = JSON.parse((await cli(hostHome, '--json', 'models')).stdout) as { models: { name: string }[] };
      expect(hostJobs.models.map((m) => m.name)).not.toContain('cancelled');
    } finally {
      await second.close();
    }
  }, 60_000);

  it('a wrong token is refused in one line that does not show it', async () => {
    const home = path.join(tmp.dir, 'home-wrong');
    const wrong = tokenFile('wrong', 'wrong-token-0123456789abcdef', 0o600);
    expect((await cli(home, 'settings', '--training-host', hostUrl, '--host-token-file', wrong)).code).toBe(0);
    expect((await cli(home, 'import', path.join(tmp.dir, 'digits'), '--dataset', 'd')).code).toBe(0);
    const r = await cli(home, 'train', '--on-host', '--dataset', 'd', ...TRAIN, '--no-verdict');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `latent-studio: training host ${hostUrl}: refused the token (check the token saved for it in the settings)`,
    );
    expect(r.stderr + hostStderr).not.toContain('wrong-token-0123456789abcdef');
  }, 60_000);
});
