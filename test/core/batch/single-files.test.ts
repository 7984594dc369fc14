// The codec's contract methods through the Studio (validation, worker task, events, catalog).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import type { CompressProgress } from '../../../src-main/core/contract/codec.js';
import { Studio } from '../../../src-main/core/studio.js';
import { jobResult } from '../../helpers/jobs.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { DIGITS, trainTinyModel, type TinyModel } from '../codec/tiny-model.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let model: TinyModel;

beforeAll(async () => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  model = await trainTinyModel('dense-digits', studio.home.modelsDir, 'handler-model', 5);
  getCatalog(studio.context).models.add({
    id: model.id,
    name: 'handler model',
    datasetId: null,
    arch: 'dense',
    dir: model.dir,
    weightsHash: model.weightsHash,
    card: model.model.card,
  });
});

afterAll(async () => {
  model?.model.dispose();
  await studio?.close();
  tmp?.cleanup();
});

describe('codec contract', () => {
  it('compressImages reports progress events, inspectLatent reads the header back', async () => {
    const events: CompressProgress[] = [];
    const off = studio.on((name, p) => {
      if (name === 'compressProgress') events.push(p as CompressProgress);
    });
    const out = path.join(tmp.dir, 'out');
    const r = await studio.call('compressImages', { model: model.id, paths: DIGITS.slice(0, 3), outDir: out, quality: 50, measure: true });
    off();
    expect(r.failed).toEqual([]);
    expect(events.map((e) => [e.done, e.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(r.files[0]!.psnr).toBeGreaterThan(5);
    expect(getCatalog(studio.context).latents.get(r.files[0]!.latentId!)).toMatchObject({
      modelId: model.id,
      quality: 50,
      outputPath: r.files[0]!.output,
    });

    const info = await studio.call('inspectLatent', { path: r.files[0]!.output });
    expect(info).toMatchObject({
      kind: 'single',
      model: model.id,
      modelInCatalog: true,
      bytes: r.files[0]!.bytes,
      tile: 20,
      images: [{ width: 20, height: 20, channels: 1, codeGrid: [1, 1, 16], exif: false, icc: false }],
    });
    expect(info.headerBytes).toBe(32 + model.id.length);
  });

  it('codes a file as a folder batch does (one per-file step): the same bytes each way, and the same pixels back', async () => {
    const folder = path.join(tmp.dir, 'same-in');
    mkdirSync(folder, { recursive: true });
    const names = ['a.png', 'b.png'];
    names.forEach((n, i) => copyFileSync(DIGITS[i]!, path.join(folder, n)));
    const inputs = names.map((n) => path.join(folder, n));
    const single = await studio.call('compressImages', {
      model: model.id,
      paths: inputs,
      outDir: path.join(tmp.dir, 'same-single'),
      quality: 40,
    });
    expect(single.failed).toEqual([]);
    const started = await studio.call('startBatch', {
      kind: 'compress',
      inputs: [folder],
      outDir: path.join(tmp.dir, 'same-batch'),
      modelId: model.id,
      quality: 40,
      workers: 1,
    });
    const batch = await jobResult(studio, 'batch.compress', started.jobId);
    expect(batch.failed).toEqual([]);
    const byInput = new Map(batch.files.map((f) => [f.input, f.output]));
    for (const f of single.files) expect(readFileSync(f.output).equals(readFileSync(byInput.get(f.input)!)), f.input).toBe(true);

    const back = await studio.call('decompressFiles', {
      paths: single.files.map((f) => f.output),
      outDir: path.join(tmp.dir, 'same-back'),
    });
    expect(back.failed).toEqual([]);
    const started2 = await studio.call('startBatch', {
      kind: 'decompress',
      inputs: [path.join(tmp.dir, 'same-batch')],
      outDir: path.join(tmp.dir, 'same-batch-back'),
      workers: 1,
    });
    const batchBack = await jobResult(studio, 'batch.decompress', started2.jobId);
    expect(batchBack.failed).toEqual([]);
    const backByName = new Map(batchBack.files.map((f) => [path.basename(f.output), f.output]));
    for (const f of back.files)
      expect(readFileSync(f.output).equals(readFileSync(backByName.get(path.basename(f.output))!)), f.output).toBe(true);
  });

  it('validates requests at the boundary and names files in its errors', async () => {
    await expect(studio.call('compressImages', { model: model.id, paths: [], outDir: tmp.dir })).rejects.toMatchObject({
      code: 'bad-request',
    });
    await expect(
      studio.call('compressImages', { model: model.id, paths: DIGITS.slice(0, 1), outDir: tmp.dir, quality: 50, targetBpp: 1 }),
    ).rejects.toThrow('give at most one of quality, targetPsnr, targetBpp');
    await expect(studio.call('compressImages', { model: 'nope', paths: DIGITS.slice(0, 1), outDir: tmp.dir })).rejects.toThrow(
      'model nope is not in the catalog',
    );
    const junk = path.join(tmp.dir, 'junk.latent');
    mkdirSync(tmp.dir, { recursive: true });
    writeFileSync(junk, 'hello');
    await expect(studio.call('inspectLatent', { path: junk })).rejects.toThrow(`${junk}: not a .latent file`);
    const d = await studio.call('decompressFiles', { paths: [junk, tmp.dir], outDir: path.join(tmp.dir, 'x') });
    expect(d.failed.map((f) => f.error)).toEqual([`${junk}: not a .latent file`, `${tmp.dir}: is a folder (give .latent files)`]);
  });
});
