import { copyFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress, ImportSummary } from '../../../src-main/core/contract/catalog.js';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { splitForHash } from '../../../src-main/core/catalog/split.js';
import { thumbnailPath } from '../../../src-main/core/catalog/thumbnails.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { LANDSCAPE_FILES, LANDSCAPES, sha256File, writeBadFiles, writeDistinctJpegs } from './catalog-fixtures.js';
import { jobResult, onJobFinished, onJobProgress } from '../../helpers/jobs.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir('ls-import-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

function recordEvents() {
  const progress: ImportProgress[] = [];
  const finished: ImportSummary[] = [];
  onJobProgress(studio, 'import', (p) => progress.push(p));
  onJobFinished(studio, 'import', (f) => finished.push(f));
  return { progress, finished };
}

async function importAndWait(paths: string[], dataset: string): Promise<ImportSummary> {
  const { jobId } = await studio.call('importPaths', { paths, dataset });
  return jobResult(studio, 'import', jobId);
}

describe('import', () => {
  it('an image over the default pixel limit is refused, then imported with a higher maxPixels (thumbnail included)', async () => {
    const big = path.join(tmp.dir, 'big.png');
    // 7000x6000 = 42 megapixels, over the default 40; a flat colour keeps the file small.
    await sharp({ create: { width: 7000, height: 6000, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .png()
      .toFile(big);
    const refused = await importAndWait([big], 'big');
    expect(refused.failed[0]?.error).toMatch(/7000x6000 is 42\.0 megapixels, over the limit of 40\.0 megapixels .*--max-pixels N/);
    const { jobId } = await studio.call('importPaths', { paths: [big], dataset: 'big', maxPixels: 42_000_000 });
    const summary = await jobResult(studio, 'import', jobId);
    expect(summary).toMatchObject({ state: 'done', added: 1, failed: [] });
    const { images } = await studio.call('listImages', { dataset: 'big', withThumbnails: true });
    expect(images[0]).toMatchObject({ width: 7000, height: 6000 });
    expect(images[0]!.thumbnail).toMatch(/^data:image\/webp;base64,/);
  });

  it('imports a folder in a worker with progress, recording metadata, hash, split and a thumbnail', async () => {
    const events = recordEvents();
    const summary = await importAndWait([LANDSCAPES], 'landscapes');
    expect(summary).toMatchObject({ dataset: 'landscapes', state: 'done', total: 6, added: 6, skipped: 0, failed: [] });

    const last = events.progress.at(-1)!;
    expect(last).toMatchObject({ jobId: summary.jobId, done: 6, total: 6, added: 6 });
    expect(events.finished).toEqual([summary]);

    const catalog = getCatalog(studio.context);
    const d = catalog.datasets.byName('landscapes')!;
    const images = catalog.images.forDataset(d.id);
    expect(images.map((i) => path.basename(i.path))).toEqual(LANDSCAPE_FILES);
    for (const img of images) {
      expect(img).toMatchObject({ width: 180, height: 90, channels: 3, format: 'jpeg', bytes: statSync(img.path).size });
      expect(img.hash).toBe(sha256File(img.path));
      expect(img.split).toBe(splitForHash(img.hash));
      const thumb = await sharp(thumbnailPath(studio.home.thumbnailsDir, img.hash)).metadata();
      expect(thumb).toMatchObject({ format: 'webp', width: 128, height: 64 });
    }
    expect(catalog.jobs.get(summary.jobId)).toMatchObject({ kind: 'import', state: 'done', done: 6, total: 6 });
  });

  it('importing the same folder again adds nothing; the same content under another name is skipped', async () => {
    await importAndWait([LANDSCAPES], 'landscapes');
    const again = await importAndWait([LANDSCAPES, path.join(LANDSCAPES, 'beach0.jpg')], 'landscapes');
    expect(again).toMatchObject({ state: 'done', total: 6, added: 0, skipped: 6, failed: [] });
    const copies = writeDistinctJpegs(path.join(tmp.dir, 'copies'), 1);
    copyFileSync(path.join(LANDSCAPES, 'beach0.jpg'), path.join(tmp.dir, 'copies', 'renamed.jpg'));
    const third = await importAndWait([path.join(tmp.dir, 'copies')], 'landscapes');
    expect(third).toMatchObject({ added: 1, skipped: 1 });
    const catalog = getCatalog(studio.context);
    expect(catalog.images.count(catalog.datasets.byName('landscapes')!.id)).toBe(7);
    expect(catalog.images.byPath(copies[0]!)).toBeDefined();
  });

  it('reports every unreadable file with a one-line reason and goes on', async () => {
    const bad = writeBadFiles(path.join(tmp.dir, 'bad'));
    const missing = path.join(tmp.dir, 'no-such-folder');
    const events = recordEvents();
    const summary = await importAndWait([LANDSCAPES, path.join(tmp.dir, 'bad'), missing], 'mixed');
    expect(summary.added).toBe(6);
    const errors = Object.fromEntries(summary.failed.map((f) => [f.path, f.error]));
    expect(errors).toEqual({
      [missing]: `${missing}: no such file or folder`,
      [bad.empty]: `${bad.empty}: empty file (0 bytes)`,
      [bad.truncated]: expect.stringMatching(/^.*truncated\.jpg: corrupt or truncated image/),
      [bad.text]: `${bad.text}: not an image or unsupported format`,
      [bad.bmp]: `${bad.bmp}: not an image or unsupported format`,
      [bad.svg]: `${bad.svg}: unsupported image format (svg)`,
    });
    for (const e of Object.values(errors)) expect(e).not.toContain('\n');
    // README.txt inside the folder is not an image name: neither imported nor reported.
    expect(summary.total).toBe(6 + 5 + 1);
    expect(events.progress.filter((p) => p.error).length).toBe(5);
  });

  it('lists images with thumbnails for the renderer and rebuilds a cleared thumbnail cache', async () => {
    await importAndWait([LANDSCAPES], 'landscapes');
    const page = await studio.call('listImages', { dataset: 'landscapes', limit: 2, offset: 1, withThumbnails: true });
    expect(page.total).toBe(6);
    expect(page.images.map((i) => i.name)).toEqual(LANDSCAPE_FILES.slice(1, 3));
    expect(page.images[0]!.thumbnail).toMatch(/^data:image\/webp;base64,/);

    rmSync(studio.home.thumbnailsDir, { recursive: true, force: true });
    const thumb = await studio.call('getThumbnail', { imageId: page.images[0]!.id });
    expect(thumb.mime).toBe('image/webp');
    expect(await sharp(Buffer.from(thumb.base64, 'base64')).metadata()).toMatchObject({ format: 'webp', width: 128 });
    await expect(studio.call('getThumbnail', { imageId: 999 })).rejects.toThrow('image 999 is not in the catalog');
  });

  it('cancels between files and resumes without redoing finished ones', async () => {
    const files = writeDistinctJpegs(path.join(tmp.dir, 'many'), 40);
    const events = recordEvents();
    const { jobId } = await studio.call('importPaths', { paths: [path.join(tmp.dir, 'many')], dataset: 'many' });
    let cancelled = false;
    onJobProgress(studio, 'import', (p) => {
      if (p.done >= 3 && !cancelled) {
        cancelled = true;
        void studio.call('cancelJob', { jobId });
      }
    });
    const stopped = await jobResult(studio, 'import', jobId);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.added).toBeGreaterThanOrEqual(3);
    expect(stopped.added).toBeLessThan(40);

    const catalog = getCatalog(studio.context);
    const firstPass = new Set(catalog.jobs.items(jobId).map((i) => i.key));
    events.progress.length = 0;
    await studio.call('resumeJob', { jobId });
    const done = await jobResult(studio, 'import', jobId);
    expect(done).toMatchObject({ state: 'done', total: 40, added: 40, skipped: 0, failed: [] });
    // The resumed run reported only the files it had left.
    const current = events.progress.flatMap((p) => (p.current ? [p.current] : []));
    for (const f of current) expect(firstPass.has(f)).toBe(false);
    expect(catalog.images.count(catalog.datasets.byName('many')!.id)).toBe(files.length);
  });

  it('leaves a job resumable (interrupted) when the studio closes mid-import', async () => {
    writeDistinctJpegs(path.join(tmp.dir, 'many'), 40);
    const homeDir = studio.home.root;
    const { jobId } = await studio.call('importPaths', { paths: [path.join(tmp.dir, 'many')], dataset: 'many' });
    await new Promise<void>((resolve) => onJobProgress(studio, 'import', (p) => p.done >= 2 && resolve()));
    await studio.close();

    studio = new Studio({ homeDir, host: 'test' });
    const [job] = (await studio.call('listJobs', { jobId })).jobs;
    expect(job).toMatchObject({ kind: 'import', state: 'interrupted', resumable: true, error: 'the studio closed' });
    expect(job!.done).toBeLessThan(40);
    await studio.call('resumeJob', { jobId });
    expect(await jobResult(studio, 'import', jobId)).toMatchObject({ state: 'done', added: 40 });
    expect((await studio.call('listJobs', { kind: 'import', state: 'done' })).jobs.map((j) => j.id)).toEqual([jobId]);
    await expect(studio.call('resumeJob', { jobId })).rejects.toThrow(`job ${jobId} is already done`);
  });

  it('rejects bad requests at the contract boundary', async () => {
    await expect(studio.call('importPaths', { paths: ['/a'], dataset: 'tab\there' })).rejects.toThrow('control characters');
    await expect(studio.call('importPaths', { paths: [], dataset: 'x' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(studio.call('importPaths', { paths: ['/a'], dataset: '  ' })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(studio.call('listImages', { dataset: 'nope' })).rejects.toThrow("dataset 'nope' is not in the catalog");
  });
});
