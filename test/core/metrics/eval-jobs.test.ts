// Evaluation through the contract (Studio.call), on real files with real sharp encoders and a real
// catalog file; classical codecs only here (the latent codec is covered in eval-jobs.model.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvalProgress } from '../../../src-main/core/contract/eval.js';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult, onJobProgress } from '../../helpers/jobs.js';

const fixtures = path.resolve(__dirname, '../../fixtures');
const photos = ['beach0', 'canyon0', 'forest0'].map((n) => path.join(fixtures, 'landscapes-small', `${n}.jpg`));

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('evaluation jobs (classical codecs)', () => {
  it('sweeps JPEG and WebP on the same images, stores the result and exports it', async () => {
    const progress: EvalProgress[] = [];
    onJobProgress(studio, 'eval', (p) => progress.push(p));
    const started = await studio.call('evaluateModel', {
      paths: [...photos, path.join(tmp.dir, 'missing.png')],
      codecs: ['jpeg', 'webp'],
      classicalQualities: { jpeg: [20, 60, 90], webp: [20, 60, 90] },
    });
    expect(started.total).toBe(3);
    const ev = await jobResult(studio, 'eval', started.jobId);
    expect(ev.images).toBe(3);
    expect(ev.failed).toEqual([{ path: path.join(tmp.dir, 'missing.png'), error: expect.stringMatching(/missing\.png: no such file/) }]);
    expect(Object.keys(ev.curves)).toEqual(['jpeg', 'webp']);
    const jpeg = ev.curves.jpeg!;
    expect(jpeg.quality).toEqual([20, 60, 90]);
    // The curve is the mean of the per-image samples.
    const bppAt60 = ev.perImage.map((i) => i.samples.jpeg![1]!.bpp);
    expect(jpeg.bpp[1]).toBeCloseTo(bppAt60.reduce((a, b) => a + b, 0) / 3, 12);
    expect(jpeg.bpp[0]).toBeLessThan(jpeg.bpp[2]!);
    expect(jpeg['psnr-rgb'][0]!).toBeLessThan(jpeg['psnr-rgb'][2]!);
    expect(jpeg['ms-ssim-rgb'][2]).toBeGreaterThan(0.9);
    const img = ev.perImage[0]!;
    expect(img.width * img.height).toBeGreaterThan(0);
    const s = img.samples.webp![0]!;
    expect(s.bpp).toBeCloseTo((s.bytes * 8) / (img.width * img.height), 12);
    expect(jpeg.ratio[0]).toBeCloseTo(ev.perImage.reduce((a, i) => a + i.originalBytes / i.samples.jpeg![0]!.bytes, 0) / 3, 9);
    expect(ev.bdRate).toEqual({});
    // Progress: one event per encoding, ending at the total.
    expect(progress.length).toBe(3 * 6);
    expect(progress.at(-1)).toMatchObject({ done: 18, total: 18, jobId: started.jobId });

    // Stored in the catalog: one row per codec, read back whole.
    const again = await studio.call('getEvaluation', { id: ev.id });
    expect(again.curves).toEqual(ev.curves);
    expect(again.perImage).toEqual(ev.perImage);
    const cat = openCatalog(studio.home.catalogFile);
    expect(
      cat.evaluations
        .list()
        .map((r) => r.codec)
        .sort(),
    ).toEqual(['jpeg', 'webp']);
    expect(cat.jobs.get(started.jobId)!.state).toBe('done');
    cat.close();
    const list = await studio.call('listEvaluations', {});
    expect(list.evaluations).toEqual([expect.objectContaining({ id: ev.id, codecs: ['jpeg', 'webp'], images: 3 })]);

    // CompressAI results JSON: one document per codec.
    const json = await studio.call('exportEvaluation', { id: ev.id, format: 'json' });
    const docs = JSON.parse(json.content) as Array<{ name: string; description: string; results: Record<string, number[]> }>;
    expect(docs.map((d) => d.name)).toEqual(['jpeg', 'webp']);
    expect(docs[0]!.results.bpp).toEqual(jpeg.bpp);
    expect(docs[0]!.results['psnr-rgb']).toEqual(jpeg['psnr-rgb']);
    expect(Object.keys(docs[0]!.results)).toEqual(expect.arrayContaining(['bpp', 'psnr-rgb', 'ms-ssim-rgb', 'encoding_time']));
    // CSV, written to a file, never over an existing one.
    const out = path.join(tmp.dir, 'ev.csv');
    const csv = await studio.call('exportEvaluation', { id: ev.id, format: 'csv', perImage: true, path: out });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^scope,image,codec,quality,bytes,bpp/);
    expect(lines.length).toBe(1 + 6 + 3 * 6);
    expect(lines[1]!.split(',').slice(0, 4)).toEqual(['mean', '', 'jpeg', '20']);
    expect(csv.path).toBe(out);
    await expect(studio.call('exportEvaluation', { id: ev.id, format: 'csv', path: out })).rejects.toThrow(/already exists/);
  });

  it('cancels, keeps the finished images, and resumes without redoing them', async () => {
    let jobId = 0;
    let cancelled = false;
    onJobProgress(studio, 'eval', (p) => {
      if (!cancelled && p.imagesDone >= 1) {
        cancelled = true;
        void studio.call('cancelJob', { jobId });
      }
    });
    const started = await studio.call('evaluateModel', { paths: photos, codecs: ['jpeg'], classicalQualities: { jpeg: [30, 70] } });
    jobId = started.jobId;
    await expect(jobResult(studio, 'eval', jobId)).rejects.toMatchObject({ code: 'cancelled' });
    const cat = openCatalog(studio.home.catalogFile);
    expect(cat.jobs.get(jobId)!.state).toBe('cancelled');
    const kept = cat.jobs.items(jobId).length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(3);
    expect(cat.evaluations.list()).toEqual([]);
    cat.close();

    const steps: EvalProgress[] = [];
    onJobProgress(studio, 'eval', (p) => steps.push(p));
    await studio.call('resumeJob', { jobId });
    const ev = await jobResult(studio, 'eval', jobId);
    expect(ev.images).toBe(3);
    expect(ev.perImage.map((i) => i.path)).toEqual(photos);
    expect(steps.length).toBe((3 - kept) * 2);
  });

  it('evaluates a dataset split from the catalog and refuses unknown names', async () => {
    await expect(studio.call('evaluateModel', { dataset: 'nope', codecs: ['jpeg'] })).rejects.toThrow(/dataset nope is not in the catalog/);
    await expect(studio.call('evaluateModel', { model: 'nope', paths: photos })).rejects.toThrow(/model nope is not in the catalog/);
    await expect(studio.call('evaluateModel', { paths: photos, dataset: 'x' })).rejects.toThrow(/either dataset or paths/);
    const imp = await studio.call('importPaths', { paths: [path.join(fixtures, 'landscapes-small')], dataset: 'land' });
    await jobResult(studio, 'import', imp.jobId);
    const started = await studio.call('evaluateModel', {
      dataset: 'land',
      split: 'all',
      codecs: ['avif'],
      classicalQualities: { avif: [30, 60] },
      maxImages: 2,
    });
    const ev = await jobResult(studio, 'eval', started.jobId);
    expect(ev).toMatchObject({ dataset: 'land', split: 'all', images: 2 });
    expect(ev.perImage.every((i) => typeof i.imageId === 'number')).toBe(true);
    expect(ev.curves.avif!['psnr-rgb'][1]!).toBeGreaterThan(ev.curves.avif!['psnr-rgb'][0]!);
  });
});
