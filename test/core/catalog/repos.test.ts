import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../src-main/core/catalog/index.js';
import { splitForHash } from '../../../src-main/core/catalog/split.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { writeModelFolder } from './catalog-fixtures.js';

let tmp: ReturnType<typeof makeTmpDir>;
let catalog: Catalog;
const file = () => path.join(tmp.dir, 'catalog.sqlite');
beforeEach(() => {
  tmp = makeTmpDir('ls-catalog-');
  catalog = openCatalog(file());
});
afterEach(() => {
  catalog.close();
  tmp.cleanup();
});

function addImage(datasetId: number, name: string) {
  return catalog.images.add({
    datasetId,
    path: `/photos/${name}`,
    hash: name.padEnd(64, '0'),
    width: 8,
    height: 4,
    channels: 3,
    format: 'jpeg',
    bytes: 10,
    split: 'train',
  });
}

/** A pid that certainly names no live process: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('datasets and images', () => {
  it('lists datasets by name whatever the case and accents (the display order, compareNames)', () => {
    for (const n of ['beach', 'Écrins', 'Alps', 'coast', 'Zebra']) catalog.datasets.ensure(n);
    expect(catalog.datasets.list().map((d) => d.name)).toEqual(['Alps', 'beach', 'coast', 'Écrins', 'Zebra']);
  });

  it('creates, finds and pages images by split', () => {
    const d = catalog.datasets.ensure('shoot', 'june');
    expect(catalog.datasets.ensure('shoot').id).toBe(d.id);
    expect(() => catalog.datasets.create('shoot')).toThrow("dataset 'shoot' already exists");
    for (const n of ['a', 'b', 'c']) addImage(d.id, n);
    catalog.db.prepare("UPDATE images SET split = 'test' WHERE path = '/photos/c'").run();
    expect(catalog.images.forDataset(d.id).map((i) => i.path)).toEqual(['/photos/a', '/photos/b', '/photos/c']);
    expect(catalog.images.forDataset(d.id, 'test').map((i) => i.path)).toEqual(['/photos/c']);
    expect(catalog.images.page(d.id, { offset: 1, limit: 1 })).toMatchObject({ total: 3, images: [{ path: '/photos/b' }] });
    expect(catalog.datasets.stats(d.id)).toEqual({ images: 3, bytes: 30, splits: { train: 2, val: 0, test: 1 } });
    expect(() => addImage(d.id, 'a')).toThrow(/UNIQUE/);
  });
});

describe('split by content hash', () => {
  it('is a pure function of the hash, cut 80/10/10', () => {
    expect(splitForHash('00000000'.padEnd(64, 'f'))).toBe('train');
    expect(splitForHash('cc000000'.padEnd(64, '0'))).toBe('train'); // 0.797
    expect(splitForHash('d0000000'.padEnd(64, '0'))).toBe('val'); // 0.8125
    expect(splitForHash('e8000000'.padEnd(64, '0'))).toBe('test'); // 0.906
    const counts = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < 4000; i++) counts[splitForHash(randomBytes(32).toString('hex'))]++;
    expect(counts.train / 4000).toBeGreaterThan(0.77);
    expect(counts.train / 4000).toBeLessThan(0.83);
    expect(counts.val / 4000).toBeGreaterThan(0.08);
    expect(counts.test / 4000).toBeGreaterThan(0.08);
  });
});

describe('models, runs, latent files, evaluations', () => {
  it('records what the engine, codec and eval write', () => {
    const d = catalog.datasets.ensure('digits');
    const img = addImage(d.id, 'seven.png');
    const folder = writeModelFolder(path.join(tmp.dir, 'models'), 'digits-dense-16');
    const runId = catalog.runs.begin({ datasetId: d.id, params: { codeSize: 16, epochs: 2, seed: 7 } });
    catalog.runs.addEpoch(runId, 1, { loss: 0.5, valLoss: 0.6 });
    catalog.runs.addEpoch(runId, 2, { loss: 0.3, valLoss: 0.4 });
    const model = catalog.models.add({
      id: folder.id,
      name: 'digits 16',
      datasetId: d.id,
      arch: 'dense',
      dir: folder.dir,
      weightsHash: folder.weightsHash,
      card: folder.card,
    });
    catalog.runs.end(runId, 'done', { loss: 0.3 }, model.id);

    expect(model.files.map((f) => f.path)).toEqual(['card.json', 'model.json', 'weights.bin']);
    expect(model.files.find((f) => f.path === 'weights.bin')!.bytes).toBe(4096);
    expect(catalog.models.get(folder.id)).toMatchObject({
      datasetId: d.id,
      arch: 'dense',
      weightsHash: folder.weightsHash,
      card: folder.card,
    });
    expect(catalog.models.list({ datasetId: d.id }).map((m) => m.id)).toEqual([folder.id]);
    expect(() => catalog.models.add({ ...model, card: {} })).toThrow(`model ${folder.id} is already in the catalog`);
    expect(() =>
      catalog.models.add({ id: 'x', name: 'x', datasetId: 999, arch: 'conv', dir: '/nowhere', weightsHash: 'h', card: {} }),
    ).toThrow('dataset 999 is not in the catalog');

    expect(catalog.runs.forModel(model.id)).toMatchObject([{ id: runId, state: 'done', params: { seed: 7 }, summary: { loss: 0.3 } }]);
    expect(catalog.runs.epochs(runId).map((e) => e.metrics.valLoss)).toEqual([0.6, 0.4]);

    const latentId = catalog.latents.add({
      sourcePath: img.path,
      modelId: model.id,
      quality: 75,
      bytes: 41,
      bpp: 0.9,
      psnr: 31.5,
      outputPath: '/out/seven.latent',
    });
    expect(catalog.latents.get(latentId)).toMatchObject({ imageId: img.id, psnr: 31.5, quality: 75 });
    const unlinked = catalog.latents.add({
      sourcePath: '/elsewhere.png',
      modelId: model.id,
      quality: 75,
      bytes: 41,
      bpp: 0.9,
      psnr: null,
      outputPath: '/out/e.latent',
    });
    expect(catalog.latents.get(unlinked)).toMatchObject({ imageId: null, psnr: null });
    expect(catalog.latents.countForModel(model.id)).toBe(2);

    const evalId = catalog.evaluations.add({
      modelId: model.id,
      datasetId: d.id,
      codec: 'webp',
      points: { bpp: [0.5, 1], 'psnr-rgb': [30, 33] },
    });
    expect(catalog.evaluations.get(evalId)).toMatchObject({ codec: 'webp', points: { bpp: [0.5, 1] } });
    expect(() => catalog.evaluations.add({ modelId: 'missing', codec: 'jpeg', points: {} })).toThrow('model missing is not in the catalog');
  });
});

describe('jobs', () => {
  it('keeps a per-item record, counts outcomes and refuses to rerun a finished job', () => {
    const job = catalog.jobs.create({ kind: 'import', input: { paths: ['/a'] } });
    expect(job.state).toBe('queued');
    expect(catalog.jobs.claim(job.id)).toMatchObject({ state: 'running', pid: process.pid });
    expect(() => catalog.jobs.claim(job.id)).toThrow(`job ${job.id} is already running in this studio`);
    catalog.jobs.recordItem(job.id, { key: '/a/1.png', outcome: 'done' });
    catalog.jobs.recordItem(job.id, { key: '/a/2.png', outcome: 'failed', message: '/a/2.png: empty file (0 bytes)' });
    catalog.jobs.recordItem(job.id, { key: '/a/3.png', outcome: 'skipped' });
    expect([...catalog.jobs.finishedKeys(job.id)].sort()).toEqual(['/a/1.png', '/a/2.png', '/a/3.png']);
    expect(catalog.jobs.countItems(job.id)).toEqual({ done: 1, skipped: 1, failed: 1 });
    expect(catalog.jobs.get(job.id)!.done).toBe(3);
    expect(catalog.jobs.items(job.id, 'failed')).toMatchObject([{ key: '/a/2.png', message: '/a/2.png: empty file (0 bytes)' }]);
    catalog.jobs.finish(job.id, 'done', { result: { added: 1 } });
    expect(catalog.jobs.get(job.id)).toMatchObject({ state: 'done', result: { added: 1 } });
    expect(() => catalog.jobs.claim(job.id)).toThrow(`job ${job.id} is already done`);
  });

  it('marks jobs and runs of a dead process interrupted on the next open, and leaves live ones alone', () => {
    const dead = catalog.jobs.create({ kind: 'import', input: {} });
    const live = catalog.jobs.create({ kind: 'import', input: {} });
    catalog.jobs.claim(live.id);
    const pid = deadPid();
    catalog.db.prepare("UPDATE jobs SET state = 'running', pid = ? WHERE id = ?").run(pid, dead.id);
    const run = catalog.runs.begin({ datasetId: null, params: {} });
    catalog.db.prepare('UPDATE training_runs SET pid = ? WHERE id = ?').run(pid, run);
    catalog.close();

    catalog = openCatalog(file());
    expect(catalog.jobs.get(dead.id)).toMatchObject({ state: 'interrupted', error: 'the process running it stopped' });
    expect(catalog.jobs.get(live.id)!.state).toBe('running');
    expect(catalog.runs.get(run)!.state).toBe('interrupted');
    // An interrupted job can be claimed again.
    expect(catalog.jobs.claim(dead.id).state).toBe('running');
  });
});
