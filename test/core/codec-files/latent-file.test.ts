// .latent files read off disk under the input policy: packs opened for random access, the header
// of either version peeked from a file's first bytes, and one-line errors for what is not a file.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { weightsTag, writePack, type CodeParams } from '../../../src-main/core/codec/container.js';
import { encodeGrid } from '../../../src-main/core/codec/grid-coder.js';
import { PackFile, peekLatent, readSingleFile } from '../../../src-main/core/codec-files/latent-file.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { BASE_SMALL_FILE, V1_DIR } from '../codec/bombs.js';

const params: CodeParams = {
  modelId: 'digits-dense-32',
  weightsTag: weightsTag('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
  predictor: 'mean',
  codeChannels: 32,
  tile: 0,
  step: Math.fround(0.37),
};

/** A format-1 pack of n 20x20 gray images, blockSize to a block. */
function makePack(n: number, blockSize: number): Uint8Array {
  const images = Array.from({ length: n }, (_, i) => ({
    entry: { width: 20, height: 20, channels: 1 as const, gh: 1, gw: 1 },
    name: `digit-${String(i).padStart(4, '0')}`,
  }));
  const blocks = Array.from({ length: Math.ceil(n / blockSize) }, (_, b) =>
    encodeGrid(
      Int32Array.from({ length: 32 + b }, (_, i) => (i % 7) - 3),
      1,
      1,
      32 + b,
      'mean',
    ),
  );
  return writePack(params, images, blockSize, blocks);
}

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

describe('.latent files on disk', () => {
  it('opens a pack file reading only the header and one block', async () => {
    const bytes = makePack(500, 16);
    const f = path.join(tmp.dir, 'p.latent');
    writeFileSync(f, bytes);
    const pf = await PackFile.open(f);
    expect(pf.header.images).toHaveLength(500);
    const blk = await pf.block(pf.blockOf(321));
    expect(blk.sides).toHaveLength(16);
    expect((await peekLatent(f)).pack).toBe(true);
    await expect(pf.block(99)).rejects.toThrow(`${f}: has no block 99`);
    writeFileSync(f, bytes.subarray(0, bytes.length - 3));
    await expect(PackFile.open(f)).rejects.toMatchObject({ problem: 'truncated' });
  });

  it('peeks the model and code settings of either version from the first bytes', async () => {
    const v1 = await peekLatent(path.join(V1_DIR, 'digit.latent'));
    expect(v1).toMatchObject({ params: { modelId: 'm-mx4iete4-d6b0a9' }, pack: false, bytes: 57 });
    const v2 = await peekLatent(BASE_SMALL_FILE);
    expect(v2).toMatchObject({ params: { version: 2 }, pack: false, bytes: readFileSync(BASE_SMALL_FILE).length });
    expect(v2.params.modelId).toMatch(/^tag:[0-9a-f]{12}$/);
    // The whole file read agrees with the peek.
    expect((await readSingleFile(BASE_SMALL_FILE)).params.modelId).toBe(v2.params.modelId);
  });

  it('one-line errors for folders, missing and empty files', async () => {
    await expect(readSingleFile(tmp.dir)).rejects.toThrow(`${tmp.dir}: is a folder (give .latent files)`);
    await expect(readSingleFile(path.join(tmp.dir, 'nope.latent'))).rejects.toThrow('nope.latent: no such file');
    const empty = path.join(tmp.dir, 'e.latent');
    writeFileSync(empty, '');
    await expect(readSingleFile(empty)).rejects.toThrow('e.latent: not a .latent file (empty)');
    await expect(peekLatent(empty)).rejects.toThrow('e.latent: not a .latent file (empty)');
  });
});
