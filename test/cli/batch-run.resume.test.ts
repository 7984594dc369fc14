// A batch killed for real (SIGKILL of the CLI process, its workers with it) resumes when the same
// command runs again: the job is found 'interrupted', finished files are not redone, temporary
// files are removed, and every input ends up with exactly one output.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/cli/main.js';
import { openCatalog } from '../../src-main/core/catalog/index.js';
import { studioHome } from '../../src-main/core/system/home.js';
import { noiseImages } from '../core/batch/helpers.js';
import { catalogedTinyModel, type TinyModel } from '../core/codec/tiny-model.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { sink } from '../helpers/text-sink.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COUNT = 60;

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let model: TinyModel;
let src: string;

const latents = (dir: string) => {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.latent'));
  } catch {
    return [];
  }
};

beforeAll(async () => {
  tmp = makeTmpDir('ls-batch-kill-');
  home = path.join(tmp.dir, 'home');
  model = await catalogedTinyModel(home, 'kill-model', 'kill', 3);
  src = path.dirname((await noiseImages(path.join(tmp.dir, 'photos'), COUNT, 480, 360))[0]!);
}, 120_000);

afterAll(() => {
  model?.model.dispose();
  tmp?.cleanup();
});

describe('resume after a crash', () => {
  it('continues a SIGKILLed batch without redoing finished files or leaving partial ones', async () => {
    const out = path.join(tmp.dir, 'out');
    const args = ['compress', '--model', model.id, src, '--out', out, '--workers', '1'];
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'latent-studio.js'), '--home', home, '--json', ...args], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on('exit', (code, signal) => r(signal ?? code)));
    const t0 = Date.now();
    while (latents(out).length < 3) {
      if (Date.now() - t0 > 60_000) throw new Error('the batch did not start writing within a minute');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const before = new Map(latents(out).map((n) => [n, statSync(path.join(out, n)).ino]));
    expect(before.size).toBeGreaterThanOrEqual(3);
    expect(before.size).toBeLessThan(COUNT); // killed mid-batch, not after it
    // The job is still 'running' under a dead process id; the next open of the catalog says so.
    const catalog = openCatalog(studioHome(home).catalogFile);
    const job = catalog.jobs.list({ kind: 'batch.compress' })[0]!;
    expect(job.state).toBe('interrupted');
    const recorded = catalog.jobs.finishedKeys(job.id).size;
    catalog.close();
    expect(recorded).toBeLessThanOrEqual(before.size);
    // What a kill during a write leaves: a temporary file beside an output not yet in place.
    const pending = readdirSync(src).find((n) => !before.has(n.replace(/\.png$/, '.latent')))!;
    const part = path.join(out, `.${pending.replace(/\.png$/, '.latent')}.0123456789ab.part`);
    writeFileSync(part, 'half a file');

    const stdout = sink();
    const stderr = sink();
    const code = await main(['--home', home, '--json', ...args], { stdout, stderr, env: {} });
    expect(code).toBe(0);
    const doc = JSON.parse(stdout.text()) as {
      job: number;
      resumed: boolean;
      files: { output: string }[];
      summary: { total: number; written: number };
    };
    expect(doc).toMatchObject({ job: job.id, resumed: true });
    expect(stderr.text()).toMatch(new RegExp(`continuing unfinished job ${job.id}`));
    expect(doc.summary).toMatchObject({ total: COUNT, written: COUNT });
    expect(new Set(doc.files.map((f) => f.output)).size).toBe(COUNT);

    const names = readdirSync(out);
    expect(names.filter((n) => n.endsWith('.part'))).toEqual([]);
    expect(latents(out)).toHaveLength(COUNT);
    // Files finished before the kill were not written again (a rewrite links a new inode in).
    for (const [name, ino] of before) expect(statSync(path.join(out, name)).ino).toBe(ino);

    const after = openCatalog(studioHome(home).catalogFile);
    expect(after.jobs.require(job.id)).toMatchObject({ state: 'done', done: COUNT, total: COUNT });
    expect(
      after.jobs
        .items(job.id)
        .map((i) => i.key)
        .sort(),
    ).toEqual(
      readdirSync(src)
        .map((n) => path.join(src, n))
        .sort(),
    );
    after.close();
  }, 120_000);
});
