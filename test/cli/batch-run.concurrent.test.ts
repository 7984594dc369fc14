// Two studios on one home at once (two real CLI processes): batches into different folders both
// finish every file, neither touching the other's temporary files; the same command started
// while the first runs is refused in one line and the first still finishes every file.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../src-main/core/catalog/index.js';
import { studioHome } from '../../src-main/core/system/home.js';
import { noiseImages } from '../core/batch/helpers.js';
import { catalogedTinyModel, type TinyModel } from '../core/codec/tiny-model.js';
import { makeTmpDir } from '../helpers/tmp-home.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COUNT = 24;

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let model: TinyModel;
let src: string;
/** Big enough that the first run still works while the second starts (23 megapixels, some seconds). */
let slow: string;
const SLOW = 48;

beforeAll(async () => {
  tmp = makeTmpDir('ls-two-runs-');
  home = path.join(tmp.dir, 'home');
  model = await catalogedTinyModel(home, 'two-runs-model', 'two', 3);
  src = path.dirname((await noiseImages(path.join(tmp.dir, 'photos'), COUNT, 320, 240))[0]!);
  slow = path.dirname((await noiseImages(path.join(tmp.dir, 'large'), SLOW, 800, 600))[0]!);
}, 120_000);

afterAll(() => {
  model?.model.dispose();
  tmp?.cleanup();
});

interface Run {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
}

function cli(...args: string[]): Run {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'latent-studio.js'), '--home', home, '--json', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return { code: new Promise((r) => child.on('exit', (c) => r(c))), stdout: () => out, stderr: () => err };
}

const compress = (out: string, from = src) => ['compress', '--model', model.id, from, '--out', out, '--workers', '1'];
const names = (dir: string) => readdirSync(dir);

function written(run: Run): number {
  return (JSON.parse(run.stdout()) as { summary: { written: number } }).summary.written;
}

describe('two batch runs on one home', () => {
  it('into different folders: both finish every file', async () => {
    const outA = path.join(tmp.dir, 'a');
    const outB = path.join(tmp.dir, 'b');
    const a = cli(...compress(outA));
    const b = cli(...compress(outB));
    const [ca, cb] = await Promise.all([a.code, b.code]);
    expect(ca, a.stderr()).toBe(0);
    expect(cb, b.stderr()).toBe(0);
    expect([written(a), written(b)]).toEqual([COUNT, COUNT]);
    for (const dir of [outA, outB]) {
      expect(names(dir).filter((n) => n.endsWith('.latent'))).toHaveLength(COUNT);
      expect(names(dir).filter((n) => n.endsWith('.part'))).toEqual([]);
    }
  }, 180_000);

  it('the same command while the first runs: refused in one line, the first finishes', async () => {
    const out = path.join(tmp.dir, 'same');
    const a = cli(...compress(out, slow));
    // Start the second once the first holds its job (it is then 'running' in the catalog).
    const t0 = Date.now();
    for (;;) {
      const catalog = openCatalog(studioHome(home).catalogFile);
      const running = catalog.jobs.list({ kind: 'batch.compress', state: 'running' }).length;
      catalog.close();
      if (running > 0) break;
      if (Date.now() - t0 > 60_000) throw new Error('the first batch did not start within a minute');
      await new Promise((r) => setTimeout(r, 20));
    }
    const b = cli(...compress(out, slow));
    const [ca, cb] = await Promise.all([a.code, b.code]);
    expect(ca, a.stderr()).toBe(0);
    expect(written(a)).toBe(SLOW);
    expect(cb).toBe(1);
    const lines = b.stderr().trim().split('\n');
    expect(lines.at(-1)).toMatch(/is running in another studio \(process \d+\)/);
    expect(names(out).filter((n) => n.endsWith('.latent'))).toHaveLength(SLOW);
    expect(names(out).filter((n) => n.endsWith('.part'))).toEqual([]);
  }, 180_000);
});
