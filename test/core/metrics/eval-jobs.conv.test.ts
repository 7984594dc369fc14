// A convolutional model (the photo architecture) through the evaluation workers: trained for one
// epoch on six small real photos, then compared at equal size and swept, each in a fresh worker
// thread that must deserialize the saved conv model on its own.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult } from '../../helpers/jobs.js';

const land = path.resolve(__dirname, '../../fixtures/landscapes-small');
let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let modelId: string;

beforeAll(async () => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  const imp = await studio.call('importPaths', { paths: [land], dataset: 'land' });
  await jobResult(studio, 'import', imp.jobId);
  const t = await studio.call('trainModel', {
    dataset: 'land',
    arch: 'conv',
    channels: 8,
    codeChannels: 4,
    tile: 32,
    epochs: 1,
    batchSize: 8,
    seed: 2,
  });
  modelId = (await jobResult(studio, 'train', t.jobId)).model;
}, 180_000);

afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('evaluating a conv model', () => {
  it('compares a photo at equal size in a worker', async () => {
    const cmp = await studio.call('compareAtEqualSize', {
      model: modelId,
      imagePath: path.join(land, 'beach0.jpg'),
      quality: 50,
      codecs: ['jpeg', 'webp'],
    });
    expect(cmp).toMatchObject({ width: 180, height: 90, channels: 3, model: modelId });
    expect(cmp.latent.psnr).toBeGreaterThan(5);
    for (const c of cmp.classical) {
      // Closest in size, unless the codec cannot go that small at all (then its smallest, quality 1).
      if (c.bytes > cmp.latent.bytes * 1.5) expect(c.quality).toBe(1);
      else expect(Math.abs(c.bytes - cmp.latent.bytes)).toBeLessThan(cmp.latent.bytes / 2);
    }
  });

  it('sweeps the latent codec on photos', async () => {
    const started = await studio.call('evaluateModel', {
      model: modelId,
      paths: [path.join(land, 'forest0.jpg')],
      codecs: [],
      qualities: [10, 90],
    });
    const ev = await jobResult(studio, 'eval', started.jobId);
    expect(ev.failed).toEqual([]);
    expect(ev.curves.latent!.bytes[0]!).toBeLessThan(ev.curves.latent!.bytes[1]!);
  });
});
