// compress / decompress with folders through the command line: one JSON document with --json,
// a progress line (files, MB/s, ETA) on a terminal, exit 2 when some inputs failed.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { digitFolder } from '../../core/batch/helpers.js';
import { catalogedTinyModel, type TinyModel } from '../../core/codec/tiny-model.js';
import { sink } from '../../helpers/text-sink.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let model: TinyModel;

async function cli(argv: string[], tty = false) {
  const stdout = sink();
  const stderr = sink(tty);
  const code = await main(['--home', home, ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  tmp = makeTmpDir('ls-batch-cli-');
  home = path.join(tmp.dir, 'home');
  model = await catalogedTinyModel(home, 'cli-batch', 'cli batch', 3);
});

afterAll(() => {
  model?.model.dispose();
  tmp?.cleanup();
});

describe('batch from the command line', () => {
  it('compresses a folder into a mirrored tree with --json, then decompresses it back', async () => {
    const src = path.join(tmp.dir, 'photos');
    const rels = digitFolder(src, 2);
    const out = path.join(tmp.dir, 'latents');
    const r = await cli([
      '--json',
      'compress',
      '--model',
      model.id,
      src,
      '--out',
      out,
      '--workers',
      '2',
      '--suffix',
      '.q50',
      '--quality',
      '50',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      model: string;
      files: { input: string; output: string; bytes: number; quality: number }[];
      failed: unknown[];
      summary: { total: number; written: number; workers: number; ratio: number };
    };
    expect(doc.model).toBe(model.id);
    expect(doc.failed).toEqual([]);
    expect(doc.summary).toMatchObject({ total: rels.length, written: rels.length, workers: 2 });
    expect(doc.summary.ratio).toBeGreaterThan(0);
    for (const rel of rels) expect(existsSync(path.join(out, rel.replace(/\.png$/, '.q50.latent')))).toBe(true);
    expect(doc.files.every((f) => f.quality === 50 && f.bytes > 0)).toBe(true);

    const back = path.join(tmp.dir, 'back');
    const d = await cli(['--json', 'decompress', out, '--out', back, '--format', 'webp']);
    expect(d.code).toBe(0);
    const dd = JSON.parse(d.stdout) as { files: { output: string }[]; failed: unknown[] };
    expect(dd.failed).toEqual([]);
    for (const rel of rels) expect(existsSync(path.join(back, rel.replace(/\.png$/, '.q50.webp')))).toBe(true);
  });

  it('shows a progress line with files, MB/s and ETA on a terminal, and exits 2 when some inputs failed', async () => {
    const src = path.join(tmp.dir, 'mixed');
    digitFolder(src, 3);
    writeFileSync(path.join(src, 'broken.png'), 'not a png at all');
    const r = await cli(['compress', '--model', model.id, src, '--out', path.join(tmp.dir, 'mixed-out'), '--workers', '1'], true);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/compress \[[#.]+\] \d+\/10/);
    expect(r.stderr).toMatch(/MB\/s/);
    expect(r.stderr).toMatch(/ETA/);
    expect(r.stdout).toMatch(/compressed 9 of 10 files into/);
    expect(r.stdout).toMatch(/failed: .*broken\.png: not an image or unsupported format/);

    // --skip-existing: the written ones are skipped, the broken one still fails.
    const again = await cli(['--json', 'compress', '--model', model.id, src, '--out', path.join(tmp.dir, 'mixed-out'), '--skip-existing']);
    expect(again.code).toBe(2);
    const doc = JSON.parse(again.stdout) as { skipped: unknown[]; failed: { path: string; error: string }[]; files: unknown[] };
    expect(doc.files).toEqual([]);
    expect(doc.skipped).toHaveLength(9);
    expect(doc.failed.map((f) => path.basename(f.path))).toEqual(['broken.png']);
  });

  it('--resume JOB continues a stopped batch; a job of the other direction is refused before it runs', async () => {
    const src = path.join(tmp.dir, 'resume-in');
    digitFolder(src, 1);
    const out = path.join(tmp.dir, 'resume-out');
    const first = JSON.parse((await cli(['--json', 'compress', '--model', model.id, src, '--out', out])).stdout) as { job: number };
    const inodes = () => readdirSync(out, { recursive: true, encoding: 'utf8' }).map((f) => statSync(path.join(out, f)).ino);
    const before = inodes();
    const catalog = openCatalog(path.join(home, 'catalog.sqlite'));
    try {
      catalog.jobs.finish(first.job, 'interrupted', { error: 'the process running it stopped' });
      const wrong = await cli(['decompress', '--resume', String(first.job)]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(`job ${first.job} is a compress job; run it with latent-studio compress --resume ${first.job}`);
      expect(catalog.jobs.require(first.job).state).toBe('interrupted');
    } finally {
      catalog.close();
    }
    const r = await cli(['--json', 'compress', '--resume', String(first.job)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ job: first.job, state: 'done', failed: [] });
    // Every file was finished before: none is written again.
    expect(inodes()).toEqual(before);
  });

  it('gives one-line usage errors', async () => {
    const r = await cli(['compress', '--model', model.id, tmp.dir, '--out', tmp.dir, '--skip-existing', '--overwrite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('latent-studio: give one of --skip-existing and --overwrite\n');
    const p = await cli(['compress', '--model', model.id, tmp.dir, '--out', tmp.dir, '--pack', 'x']);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/--pack takes image files/);
  });
});
