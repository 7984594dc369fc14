// The learned families end to end on the command line: train a tiny dense-prior and a tiny
// hyperprior on real images, compress to format-v2 files (header size checked), decompress at the
// original size, inspect, move the model to another studio with .lsmodel and decode there, and
// decode a folder through the batch path.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latentVersion, readSingleV2 } from '../../../src-main/core/codec/container-v2.js';
import type { Verdict } from '../../../src-main/core/contract/eval.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { runCli } from '../run-cli.js';

let tmp: ReturnType<typeof makeTmpDir>;

const cli = runCli;

beforeAll(() => {
  tmp = makeTmpDir('ls-learned-cli-');
});
afterAll(() => tmp?.cleanup());

describe('learned families on the command line', () => {
  it('dense-prior: train, compress to v2 with a tiny header, decompress, inspect, and decode in another studio', async () => {
    const home = path.join(tmp.dir, 'a');
    expect((await cli(home, '--json', 'import', path.join(FIXTURES, 'digits'), '--dataset', 'digits')).code).toBe(0);
    const t = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'digits',
      '--arch',
      'dense-prior',
      '--steps',
      '40',
      '--code-size',
      '16',
      '--layers',
      '64',
      '--seed',
      '2',
    );
    expect(t.code, t.stderr).toBe(0);
    const trained = JSON.parse(t.stdout) as {
      model: string;
      arch: string;
      steps: number;
      rd: { bpp: number; psnr: number }[];
      mac: { decoder: number };
    };
    expect(trained).toMatchObject({ arch: 'dense-prior', steps: 40 });
    expect(trained.rd).toHaveLength(4);
    expect(trained.mac.decoder).toBeGreaterThan(0);

    // After training, the model is measured against JPEG, WebP and AVIF on its validation images
    // with real files, and the verdict is kept with the model (the list shows it).
    const verdict = (JSON.parse(t.stdout) as { verdict: { images: number; verdict: Verdict } }).verdict;
    expect(verdict.images).toBeGreaterThan(0);
    expect(verdict.verdict.standings.map((s) => s.codec)).toEqual(['jpeg', 'webp', 'avif']);
    for (const st of verdict.verdict.standings) expect(st.text).toContain(st.label);
    expect(['beats-all', 'mixed', 'loses-all', 'unknown']).toContain(verdict.verdict.level);
    const listed = await cli(home, 'models');
    expect(listed.stdout).toContain(verdict.verdict.summary);
    const shown = await cli(home, '--json', 'models', 'show', trained.model);
    expect((JSON.parse(shown.stdout) as { verdict: Verdict & { images: number } }).verdict).toMatchObject({
      summary: verdict.verdict.summary,
      images: verdict.images,
      split: 'val',
    });

    const src = path.join(FIXTURES, 'digits', 'd3-r15-c80.png');
    const out = path.join(tmp.dir, 'lat');
    const c = await cli(home, '--json', 'compress', '--model', trained.model, src, '--out', out, '--quality', '60');
    expect(c.code, c.stderr).toBe(0);
    const file = path.join(out, 'd3-r15-c80.latent');
    const bytes = readFileSync(file);
    expect(latentVersion(bytes, file)).toBe(2);

    // The whole header of a single small image (everything but the entropy-coded stream) fits in 16 bytes.
    const parsed = readSingleV2(bytes, file);
    expect(bytes.length - parsed.image.streams.reduce((n, s) => n + s.length, 0)).toBeLessThanOrEqual(16);
    const dec = path.join(tmp.dir, 'dec');
    const d = await cli(home, '--json', 'decompress', file, '--out', dec);
    expect(d.code, d.stderr).toBe(0);
    const meta = await sharp(path.join(dec, 'd3-r15-c80.png')).metadata();
    expect([meta.width, meta.height]).toEqual([20, 20]);

    // A pack of three digits (format v2, per-image index) decodes to a folder of three images.
    const packOut = path.join(tmp.dir, 'pack');
    const three = ['d0-r0-c80.png', 'd1-r5-c80.png', 'd2-r10-c80.png'].map((f) => path.join(FIXTURES, 'digits', f));
    const p = await cli(home, '--json', 'compress', '--model', trained.model, ...three, '--out', packOut, '--pack', 'three');
    expect(p.code, p.stderr).toBe(0);
    const packFile = path.join(packOut, 'three.latent');
    expect(latentVersion(readFileSync(packFile), packFile)).toBe(2);
    const pd = await cli(home, '--json', 'decompress', packFile, '--out', path.join(tmp.dir, 'packdec'));
    expect(pd.code, pd.stderr).toBe(0);
    expect((JSON.parse(pd.stdout) as { files: unknown[] }).files.length).toBeGreaterThanOrEqual(1);

    // The model travels as a .lsmodel; the other studio finds it by the file's model tag.
    const lsmodel = path.join(tmp.dir, 'm.lsmodel');
    expect((await cli(home, 'models', 'export', trained.model, lsmodel)).code).toBe(0);
    const other = path.join(tmp.dir, 'b');
    expect((await cli(other, 'models', 'import', lsmodel)).code).toBe(0);
    const dec2 = path.join(tmp.dir, 'dec2');
    expect((await cli(other, 'decompress', file, '--out', dec2)).code).toBe(0);
    expect(readFileSync(path.join(dec2, 'd3-r15-c80.png')).equals(readFileSync(path.join(dec, 'd3-r15-c80.png')))).toBe(true);

    // A studio without the model says which model tag it needs.
    const none = await cli(path.join(tmp.dir, 'c'), 'decompress', file, '--out', path.join(tmp.dir, 'dec3'));
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/tag:[0-9a-f]{12}/);
  }, 120_000);

  it('hyperprior: photos round-trip at their size, quality moves the rate, and a folder decodes through the batch path', async () => {
    const home = path.join(tmp.dir, 'h');
    expect((await cli(home, '--json', 'import', path.join(FIXTURES, 'landscapes-small'), '--dataset', 'land')).code).toBe(0);
    const t = await cli(
      home,
      '--json',
      'train',
      '--dataset',
      'land',
      '--arch',
      'hyperprior',
      '--steps',
      '4',
      '--channels',
      '8',
      '--code-channels',
      '8',
      '--tile',
      '64',
      '--seed',
      '3',
    );
    expect(t.code, t.stderr).toBe(0);
    const { model } = JSON.parse(t.stdout) as { model: string };
    const src = path.join(FIXTURES, 'landscapes-small', 'beach0.jpg');
    const sizes: number[] = [];
    for (const q of [1, 100]) {
      const out = path.join(tmp.dir, `hq${q}`);
      expect((await cli(home, 'compress', '--model', model, src, '--out', out, '--quality', String(q))).code).toBe(0);
      sizes.push(readFileSync(path.join(out, 'beach0.latent')).length);
    }
    // Gains start ordered by lambda: the highest quality codes finer than the lowest even untrained.
    expect(sizes[1]!).toBeGreaterThan(sizes[0]!);
    const dec = path.join(tmp.dir, 'hdec');
    const d = await cli(home, '--json', 'decompress', path.join(tmp.dir, 'hq100'), '--out', dec);
    expect(d.code, d.stderr).toBe(0);
    expect(existsSync(path.join(dec, 'beach0.png'))).toBe(true);
    const [w, h] = [(await sharp(src).metadata()).width, (await sharp(src).metadata()).height];
    const meta = await sharp(path.join(dec, 'beach0.png')).metadata();
    expect([meta.width, meta.height]).toEqual([w, h]);
    expect(meta.channels).toBe(3);
  }, 120_000);
});
