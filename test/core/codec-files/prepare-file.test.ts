// An image file made ready for coding: upright (EXIF orientation applied), its EXIF and ICC kept
// only when asked, and one over the pixel limit refused from its header in one line naming it.
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareFile } from '../../../src-main/core/codec-files/prepare-file.js';
import { loadModel, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const root = path.resolve(import.meta.dirname, '../../..');
let tmp: ReturnType<typeof makeTmpDir>;
let model: LoadedModel;
let tagged: string;

beforeAll(async () => {
  tmp = makeTmpDir('ls-prepare-');
  model = await loadModel(path.join(root, 'resources/models/base-small'));
  tagged = path.join(tmp.dir, 'tagged.jpg');
  await sharp({ create: { width: 30, height: 20, channels: 3, background: '#c08040' } })
    .withMetadata({ orientation: 6, icc: 'p3' })
    .jpeg({ quality: 90 })
    .toFile(tagged);
});

afterAll(() => {
  model?.dispose();
  tmp?.cleanup();
});

describe('prepareFile', () => {
  it('reads the file upright, in the model channels, with its metadata when asked', async () => {
    const img = await prepareFile(model, tagged);
    expect([img.color.width, img.color.height, img.color.channels]).toEqual([20, 30, 1]);
    expect([img.original.channels, img.channels]).toEqual([3, 3]);
    expect(img.meta.exif?.length).toBeGreaterThan(0);
    expect(img.meta.icc?.length).toBeGreaterThan(0);
    expect((await prepareFile(model, tagged, false)).meta).toEqual({});
  });

  it('refuses an image over the limit from its header, naming the file', async () => {
    await expect(prepareFile(model, tagged, true, 599)).rejects.toThrow(`${tagged}: 20x30 is 600 pixels, over the limit of 599 pixels`);
    await expect(prepareFile(model, path.join(tmp.dir, 'nope.png'))).rejects.toThrow('nope.png: no such file');
  });
});
