// A worker's roots: paths inside them pass, paths outside are refused, also through a link.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Roots } from '../../../src-main/core/queue/roots.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let roots: Roots;
let root: string;

beforeAll(() => {
  tmp = makeTmpDir('ls-roots-');
  root = path.join(tmp.dir, 'shared');
  mkdirSync(path.join(root, 'in'), { recursive: true });
  mkdirSync(path.join(tmp.dir, 'secret'));
  symlinkSync(path.join(tmp.dir, 'secret'), path.join(root, 'in', 'escape'));
  roots = Roots.of([root]);
});

afterAll(() => tmp.cleanup());

describe('worker roots', () => {
  it('passes inputs and outputs inside a root, also ones that do not exist yet', async () => {
    await expect(roots.check(path.join(root, 'in', 'a.png'), 'input')).resolves.toBeUndefined();
    await expect(roots.check(path.join(root, 'out', 'new', 'a.latent'), 'output')).resolves.toBeUndefined();
  });

  it('refuses a path outside every root, and one that leaves through a link', async () => {
    await expect(roots.check(path.join(tmp.dir, 'secret', 'a.png'), 'input')).rejects.toThrow(
      /refuses the input: it lies outside its roots/,
    );
    await expect(roots.check(path.join(root, 'in', 'escape', 'a.latent'), 'output')).rejects.toThrow(/refuses the output/);
  });

  it('says which root is missing', () => {
    expect(() => Roots.of([path.join(tmp.dir, 'nope')])).toThrow(/--root .*nope: no such file$/);
  });
});
