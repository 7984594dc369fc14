// Folder walking, output naming and partial-file clean-up, on real temp folders.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removePartials } from '../../../src-main/core/batch/output.js';
import { outputFor, packFolderOf, planOutputs } from '../../../src-main/core/batch/plan.js';
import { walkInputs } from '../../../src-main/core/input/walk.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
const touch = (rel: string, bytes = 'x') => {
  const file = path.join(tmp.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
};

beforeEach(() => {
  tmp = makeTmpDir('ls-walk-');
});
afterEach(() => tmp.cleanup());

describe('walkInputs', () => {
  it('walks folders recursively in a stable order, skipping hidden entries and other types', async () => {
    for (const rel of [
      'in/b.png',
      'in/A.JPG',
      'in/sub/z.webp',
      'in/sub/deeper/c.tif',
      'in/.hidden.png',
      'in/.git/x.png',
      'in/notes.txt',
      'in/x.latent',
    ])
      touch(rel);
    symlinkSync(path.join(tmp.dir, 'in'), path.join(tmp.dir, 'in', 'sub', 'loop'));
    const r = await walkInputs([path.join(tmp.dir, 'in')], 'images');
    expect(r.failed).toEqual([]);
    expect(r.files.map((f) => f.rel)).toEqual(['A.JPG', 'b.png', 'sub/deeper/c.tif', 'sub/z.webp']);
    expect(r.files[0]!.path).toBe(path.join(tmp.dir, 'in', 'A.JPG'));
    expect(r.files[0]!.bytes).toBe(1);
    const latents = await walkInputs([path.join(tmp.dir, 'in')], 'latents');
    expect(latents.files.map((f) => f.rel)).toEqual(['x.latent']);
  });

  it('takes named files whatever their type, once, and reports missing inputs', async () => {
    const txt = touch('notes.txt');
    const img = touch('d/p.png');
    const r = await walkInputs([txt, img, path.join(tmp.dir, 'd'), path.join(tmp.dir, 'gone.png')], 'images');
    expect(r.files.map((f) => [f.path, f.rel])).toEqual([
      [txt, 'notes.txt'],
      [img, 'p.png'],
    ]);
    expect(r.failed).toEqual([
      { path: path.join(tmp.dir, 'gone.png'), error: `${path.join(tmp.dir, 'gone.png')}: no such file or folder` },
    ]);
  });

  it('does not enter an excluded folder (the output folder inside an input)', async () => {
    touch('in/a.png');
    touch('in/out/old.png');
    const r = await walkInputs([path.join(tmp.dir, 'in')], 'images', [path.join(tmp.dir, 'in', 'out')]);
    expect(r.files.map((f) => f.rel)).toEqual(['a.png']);
  });
});

describe('output planning', () => {
  it('mirrors relative folders, adds the suffix and the output type', () => {
    expect(outputFor({ rel: 'sub/deeper/photo.jpeg' }, { kind: 'compress', outDir: '/o', suffix: '-ls' })).toBe(
      path.join('/o', 'sub', 'deeper', 'photo-ls.latent'),
    );
    expect(outputFor({ rel: 'photo.latent' }, { kind: 'decompress', outDir: '/o', format: 'jpeg' })).toBe(path.join('/o', 'photo.jpg'));
    expect(outputFor({ rel: 'photo.latent' }, { kind: 'decompress', outDir: '/o' })).toBe(path.join('/o', 'photo.png'));
    expect(packFolderOf(path.join('/o', 'pack.png'))).toBe(path.join('/o', 'pack'));
  });

  it('reports inputs whose outputs collide, and outputs that would be an input', () => {
    const files = [
      { path: '/in/a.png', rel: 'a.png', bytes: 1 },
      { path: '/in/a.jpg', rel: 'a.jpg', bytes: 1 },
      { path: '/in/A.webp', rel: 'A.webp', bytes: 1 },
      { path: '/in/b.png', rel: 'b.png', bytes: 1 },
    ];
    const r = planOutputs(files, { kind: 'compress', outDir: '/out' });
    expect(r.items.map((i) => i.output)).toEqual([path.join('/out', 'a.latent'), path.join('/out', 'b.latent')]);
    expect(r.failed.map((f) => f.path)).toEqual(['/in/a.jpg', '/in/A.webp']);
    expect(r.failed[0]!.error).toMatch(/would collide with that of \/in\/a\.png/);

    const back = planOutputs(
      [
        { path: '/d/x.latent', rel: 'x.latent', bytes: 1 },
        { path: '/d/x.png', rel: 'x.png', bytes: 1 },
      ],
      {
        kind: 'decompress',
        outDir: '/d',
      },
    );
    expect(back.items).toEqual([]);
    expect(back.failed.map((f) => f.error)).toEqual([
      '/d/x.latent: its output /d/x.png is one of the inputs, which are never overwritten',
      '/d/x.png: its output /d/x.png is one of the inputs, which are never overwritten',
    ]);
  });
});

describe('removePartials', () => {
  it('removes the temporary files of planned outputs only', async () => {
    const out = path.join(tmp.dir, 'out');
    touch('out/.a.latent.0123456789ab.part');
    touch('out/.other.latent.0123456789ab.part');
    touch('out/a.latent');
    touch('out/pack/.img.png.abcdefabcdef.part');
    const removed = await removePartials([path.join(out, 'a.latent'), path.join(out, 'missing', 'b.latent')], [path.join(out, 'pack')]);
    expect(removed.map((r) => path.relative(out, r)).sort()).toEqual([
      '.a.latent.0123456789ab.part',
      path.join('pack', '.img.png.abcdefabcdef.part'),
    ]);
    expect(readdirSync(out).sort()).toEqual(['.other.latent.0123456789ab.part', 'a.latent', 'pack']);
  });
});
