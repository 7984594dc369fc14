// The latent codec in evaluations: a tiny dense model really trained on the sample digits, then
// swept through the real codec (compress -> .latent bytes -> decode) beside WebP, and compared at
// equal size. Also checks that repeated sweeps leave no tfjs tensors behind.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { compressImage } from '../../../src-main/core/codec/compress.js';
import { prepareFile } from '../../../src-main/core/codec-files/prepare-file.js';
import { loadModel } from '../../../src-main/core/engine/model-io.js';
import { openModel } from '../../../src-main/core/engine/open-model.js';
import { compareService } from '../../../src-main/core/metrics/compare-service.js';
import { CompareSession } from '../../../src-main/core/metrics/equal-size.js';
import { loadEngineModel } from '../../../src-main/core/metrics/tasks/model-loader.js';
import { runSweep } from '../../../src-main/core/metrics/sweep.js';
import type { CompareProgress } from '../../../src-main/core/contract/eval.js';
import { formatBytes } from '../../../src-main/core/system/units.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult } from '../../helpers/jobs.js';

const sample = path.resolve(__dirname, '../../../resources/sample/digits');
let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let modelId: string;
let testImages: string[];

beforeAll(async () => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  const imp = await studio.call('importPaths', { paths: [sample], dataset: 'digits' });
  await jobResult(studio, 'import', imp.jobId);
  const t = await studio.call('trainModel', { dataset: 'digits', arch: 'dense-prior', codeSize: 16, epochs: 4, seed: 3 });
  modelId = (await jobResult(studio, 'train', t.jobId)).model;
  const cat = getCatalog(studio.context);
  testImages = cat.images.forDataset(cat.datasets.byName('digits')!.id, 'test').map((i) => i.path);
}, 120_000);

afterAll(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('evaluating a trained model', () => {
  it('sweeps the latent codec beside WebP on the test split, with effective bpp and BD-rates', async () => {
    const started = await studio.call('evaluateModel', {
      model: modelId,
      dataset: 'digits',
      codecs: ['webp'],
      qualities: [5, 50, 100],
      classicalQualities: { webp: [5, 50, 95] },
      maxImages: 5,
    });
    const ev = await jobResult(studio, 'eval', started.jobId);
    expect(ev.model).toBe(modelId);
    expect(ev.images).toBe(5);
    const latent = ev.curves.latent!;
    expect(latent.quality).toEqual([5, 50, 100]);
    // A finer step never makes the file smaller.
    expect(latent.bytes[0]).toBeLessThanOrEqual(latent.bytes[2]!);
    // The sweep measured the real codec: the same bytes as compressing the file directly.
    const model = await loadModel(getCatalog(studio.context).models.get(modelId)!.dir);
    try {
      const first = ev.perImage[0]!;
      const direct = await compressImage(model, await prepareFile(model, first.path, false), { quality: 50 });
      expect(first.samples.latent![1]!.bytes).toBe(direct.bytes.length);
    } finally {
      model.dispose();
    }
    // Effective bpp: the decoder's bytes over the 5 images' pixels.
    // A learned model's decoder is its synthesis weights and its CDF tables: less than all its weights.
    const dir = getCatalog(studio.context).models.get(modelId)!.dir;
    const weights = (JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8')) as { decoderBytes: number }).decoderBytes;
    const tables = statSync(path.join(dir, 'tables.bin')).size;
    expect(weights).toBeGreaterThan(tables);
    expect(weights).toBeLessThan(statSync(path.join(dir, 'params.bin')).size + tables);
    expect(ev.decoderBytes).toBe(weights);
    expect(latent.effectiveBpp![1]).toBeCloseTo(latent.bpp[1]! + (weights * 8) / (5 * 20 * 20), 9);
    // A BD-rate, or the reason there is none.
    const pair = ev.bdRate.webp!;
    for (const r of [pair.psnr, pair.msssim]) {
      if (r.ok) expect(Number.isFinite(r.bdRate)).toBe(true);
      else expect(r.message).toMatch(/share no quality range|at least 2/);
    }
    const stored = await studio.call('getEvaluation', { id: ev.id });
    expect(stored.bdRate).toEqual(ev.bdRate);
    expect(Object.keys(stored.curves)).toEqual(['latent', 'webp']);
  });

  it('compares one image at equal size with JPEG, WebP and AVIF', async () => {
    const img = testImages[0]!;
    const cmp = await studio.call('compareAtEqualSize', { model: modelId, imagePath: img, quality: 60 });
    expect(cmp).toMatchObject({ path: img, width: 20, height: 20, channels: 1, model: modelId });
    expect(cmp.classical.map((c) => c.codec)).toEqual(['jpeg', 'webp', 'avif']);
    const png = Buffer.from(cmp.latent.image.base64, 'base64');
    expect((await sharp(png).metadata()).width).toBe(20);
    expect(cmp.latent.bpp).toBeCloseTo((cmp.latent.bytes * 8) / 400, 12);
    for (const c of cmp.classical) {
      const file = Buffer.from(c.image.base64, 'base64');
      expect(file.length).toBe(c.bytes);
      expect((await sharp(file).metadata()).format).toBe(c.codec === 'avif' ? 'heif' : c.codec);
      expect(c.psnr === null || c.psnr > 0).toBe(true);
      expect(c.ssim).toBeGreaterThan(-1);
      expect(c.ssim).toBeLessThanOrEqual(1);
    }
    // The original as PNG, pixel-exact.
    const orig = await sharp(Buffer.from(cmp.original.base64, 'base64')).raw().toBuffer();
    expect(orig.equals(await sharp(img).raw().toBuffer())).toBe(true);
  });

  it('keeps the model, the original and the classical encodings between comparisons (one worker)', async () => {
    const img = testImages[0]!;
    const steps: CompareProgress[] = [];
    const off = studio.on((name, p) => {
      if (name === 'compareProgress') steps.push(p as CompareProgress);
    });
    try {
      const first = await studio.call('compareAtEqualSize', { model: modelId, imagePath: img, quality: 30 });
      const firstSteps = steps.splice(0);
      expect(firstSteps.map((s) => s.step)).toContain('AVIF closest to ' + formatBytes(first.latent.bytes));
      expect(firstSteps.at(-1)).toMatchObject({ step: 'Done', model: modelId, path: img, quality: 30 });
      expect(firstSteps.at(-1)!.done).toBe(firstSteps.at(-1)!.total);
      // The same request again: every step from the cache, the same answer.
      const again = await studio.call('compareAtEqualSize', { model: modelId, imagePath: img, quality: 30 });
      expect(steps.at(-1)).toMatchObject({ step: 'Done', cached: 4, total: 4 });
      expect(again).toEqual(first);
      // Another quality: the model is not loaded again (no such step).
      steps.splice(0);
      await studio.call('compareAtEqualSize', { model: modelId, imagePath: img, quality: 90 });
      expect(steps.map((s) => s.step)).not.toContain('Loading the model');
      expect(compareService(studio.context).started).toBe(1);
    } finally {
      off();
    }
  });

  it('a compare session keeps its tensors flat over repeated comparisons and frees them when disposed', async () => {
    const rec = getCatalog(studio.context).models.get(modelId)!;
    const session = new CompareSession(loadEngineModel);
    const input = { model: { id: rec.id, dir: rec.dir }, imagePath: testImages[0]!, quality: 20, codecs: ['webp' as const] };
    const before = tf.memory().numTensors;
    await session.compare(input);
    const loaded = tf.memory().numTensors;
    await session.compare({ ...input, quality: 60 });
    await session.compare({ ...input, quality: 95, imagePath: testImages[1]! });
    expect(tf.memory().numTensors).toBe(loaded);
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says when a classical codec cannot make a file as small as the latent one', async () => {
    const cmp = await studio.call('compareAtEqualSize', { model: modelId, imagePath: testImages[0]!, quality: 1 });
    for (const c of cmp.classical) {
      // The hand-made 20x20 digits: a 1-quality JPEG/AVIF header alone outweighs the latent file.
      if (c.atSmallest) {
        expect(c.quality).toBe(1);
        expect(c.bytes).toBeGreaterThan(cmp.latent.bytes);
      }
    }
    expect(cmp.classical.some((c) => c.atSmallest)).toBe(true);
  });

  it('compares an existing .latent file, its original given', async () => {
    const img = testImages[1]!;
    const model = await loadModel(getCatalog(studio.context).models.get(modelId)!.dir);
    let bytes: Uint8Array;
    try {
      bytes = (await compressImage(model, await prepareFile(model, img, false), { quality: 80 })).bytes;
    } finally {
      model.dispose();
    }
    const file = path.join(tmp.dir, 'one.latent');
    writeFileSync(file, bytes);
    const cmp = await studio.call('compareAtEqualSize', { latentPath: file, imagePath: img, codecs: ['webp'] });
    expect(cmp.latent.bytes).toBe(bytes.length);
    expect(cmp.latent.quality).toBeNull();
    expect(cmp.classical).toHaveLength(1);
    await expect(studio.call('compareAtEqualSize', { latentPath: file })).rejects.toThrow(/does not know its original; give imagePath/);
  });

  it('leaves no tensors behind over repeated sweeps', async () => {
    const rec = getCatalog(studio.context).models.get(modelId)!;
    const input = {
      jobId: 0,
      model: { id: rec.id, dir: rec.dir },
      images: testImages.slice(0, 2).map((p) => ({ path: p })),
      skip: [],
      latentQualities: [20, 90],
      classical: [],
      ssim: false,
    };
    const io = { progress: () => {}, checkpoint: async () => {} };
    await runSweep(input, openModel, io);
    const before = tf.memory().numTensors;
    await runSweep(input, openModel, io);
    await runSweep(input, openModel, io);
    expect(tf.memory().numTensors).toBe(before);
  });
});
