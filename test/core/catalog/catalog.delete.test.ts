import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCatalog, type Catalog } from '../../../src-main/core/catalog/index.js';
import { thumbnailPath } from '../../../src-main/core/catalog/thumbnails.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { copyLandscapes, sha256File, writeModelFolder } from './catalog-fixtures.js';
import { jobResult } from '../../helpers/jobs.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let catalog: Catalog;
let originals: string[];
beforeEach(async () => {
  tmp = makeTmpDir('ls-delete-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  catalog = getCatalog(studio.context);
  originals = copyLandscapes(path.join(tmp.dir, 'photos'));
  const { jobId } = await studio.call('importPaths', { paths: [path.join(tmp.dir, 'photos')], dataset: 'trip' });
  expect((await jobResult(studio, 'import', jobId)).added).toBe(6);
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

function addModel(id: string, datasetId: number | null) {
  const folder = writeModelFolder(studio.home.modelsDir, id);
  catalog.models.add({ id, name: id, datasetId, arch: 'conv', dir: folder.dir, weightsHash: folder.weightsHash, card: folder.card });
  return folder;
}

describe('deleting a dataset', () => {
  it('lists its dependents, then removes catalog rows and thumbnails but never the original files', async () => {
    const d = catalog.datasets.byName('trip')!;
    addModel('trip-conv', d.id);
    const runId = catalog.runs.begin({ datasetId: d.id, params: {} });
    catalog.latents.add({
      sourcePath: originals[0]!,
      modelId: 'trip-conv',
      quality: 50,
      bytes: 900,
      bpp: 0.4,
      psnr: 29,
      outputPath: '/out/a.latent',
    });
    const hashes = originals.map(sha256File);

    const dry = await studio.call('deleteDataset', { dataset: 'trip', dryRun: true });
    expect(dry).toEqual({
      dataset: 'trip',
      deleted: false,
      dependents: {
        images: 6,
        thumbnails: 6,
        models: [{ id: 'trip-conv', name: 'trip-conv' }],
        trainingRuns: 1,
        evaluations: 0,
        latentFiles: 1,
        runningImports: 0,
      },
    });
    expect(catalog.images.count(d.id)).toBe(6);

    const done = await studio.call('deleteDataset', { dataset: d.id });
    expect(done.deleted).toBe(true);
    expect(catalog.datasets.byName('trip')).toBeUndefined();
    expect(catalog.images.count(d.id)).toBe(0);
    for (const h of hashes) expect(existsSync(thumbnailPath(studio.home.thumbnailsDir, h))).toBe(false);
    // Originals untouched, byte for byte.
    expect(readdirSync(path.join(tmp.dir, 'photos')).length).toBe(6);
    expect(originals.map(sha256File)).toEqual(hashes);
    // What depended on it is kept, its link cleared.
    expect(catalog.models.get('trip-conv')!.datasetId).toBeNull();
    expect(catalog.runs.get(runId)!.datasetId).toBeNull();
    expect(catalog.latents.list()[0]).toMatchObject({ modelId: 'trip-conv', imageId: null });
    expect(catalog.integrityCheck()).toBe('ok');
  });

  it('keeps thumbnails another dataset still uses', async () => {
    const { jobId } = await studio.call('importPaths', { paths: [originals[0]!], dataset: 'favourites' });
    await jobResult(studio, 'import', jobId);
    const r = await studio.call('deleteDataset', { dataset: 'trip' });
    expect(r.dependents.thumbnails).toBe(5);
    expect(existsSync(thumbnailPath(studio.home.thumbnailsDir, sha256File(originals[0]!)))).toBe(true);
    expect(existsSync(thumbnailPath(studio.home.thumbnailsDir, sha256File(originals[1]!)))).toBe(false);
  });
});

describe('deleting a model', () => {
  it('refuses while latent files need it, lists dependents, and deletes its folder when forced', async () => {
    const d = catalog.datasets.byName('trip')!;
    const folder = addModel('trip-dense', d.id);
    const runId = catalog.runs.begin({ datasetId: d.id, modelId: 'trip-dense', params: {} });
    catalog.evaluations.add({ modelId: 'trip-dense', datasetId: d.id, codec: 'latent', points: {} });
    catalog.latents.add({
      sourcePath: originals[1]!,
      modelId: 'trip-dense',
      quality: 60,
      bytes: 800,
      bpp: 0.3,
      psnr: 28,
      outputPath: '/out/b.latent',
    });

    await expect(studio.call('deleteModel', { id: 'trip-dense' })).rejects.toThrow(
      'model trip-dense: 1 latent file(s) need it to decompress (e.g. /out/b.latent); export it first or force',
    );
    expect(existsSync(folder.dir)).toBe(true);
    const dry = await studio.call('deleteModel', { id: 'trip-dense', dryRun: true });
    expect(dry).toEqual({
      model: 'trip-dense',
      deleted: false,
      dependents: { latentFiles: 1, latentExamples: ['/out/b.latent'], evaluations: 1, trainingRuns: 1 },
    });

    const forced = await studio.call('deleteModel', { id: 'trip-dense', force: true });
    expect(forced.deleted).toBe(true);
    expect(catalog.models.get('trip-dense')).toBeUndefined();
    expect(existsSync(folder.dir)).toBe(false);
    expect(catalog.evaluations.forModel('trip-dense')).toEqual([]);
    expect(catalog.runs.get(runId)!.modelId).toBeNull();
    // The latent file's record keeps naming the model it needs.
    const { latentFiles } = await studio.call('listLatentFiles', {});
    expect(latentFiles).toMatchObject([{ modelId: 'trip-dense', modelInCatalog: false }]);
    // The dataset and its originals are untouched.
    expect(catalog.images.count(d.id)).toBe(6);
  });

  it('deletes a model without dependents, but never a folder outside the studio home', async () => {
    const outside = writeModelFolder(path.join(tmp.dir, 'elsewhere'), 'foreign');
    catalog.models.add({
      id: 'foreign',
      name: 'f',
      datasetId: null,
      arch: 'dense',
      dir: outside.dir,
      weightsHash: outside.weightsHash,
      card: {},
    });
    const before = readFileSync(path.join(outside.dir, 'weights.bin'));
    expect((await studio.call('deleteModel', { id: 'foreign' })).deleted).toBe(true);
    expect(readFileSync(path.join(outside.dir, 'weights.bin'))).toEqual(before);
    await expect(studio.call('deleteModel', { id: 'foreign' })).rejects.toThrow('model foreign is not in the catalog');
  });
});
