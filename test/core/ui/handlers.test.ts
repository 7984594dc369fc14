// The studio-ui contract fragment through the real Studio: the built-in sample is found (and is
// what resources/sample/SOURCES.md describes), importing it flips `loaded`, and openFolder
// refuses missing folders and says why it cannot open one without a desktop host.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Studio } from '../../../src-main/core/studio.js';
import { findSampleDir } from '../../../src-main/core/ui/sample.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { jobResult } from '../../helpers/jobs.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir('ls-ui-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('getSample', () => {
  it('finds 400 single-digit 20x20 grayscale PNGs, 40 per class', async () => {
    const info = await studio.call('getSample', {});
    expect(info.path).toBe(path.resolve(import.meta.dirname, '../../../resources/sample/digits'));
    expect(info.images).toBe(400);
    expect(info.loaded).toBe(false);
    const files = readdirSync(info.path!);
    for (let d = 0; d < 10; d++) expect(files.filter((f) => f.startsWith(`digit-${d}-`))).toHaveLength(40);
    const meta = await sharp(path.join(info.path!, 'digit-7-13.png')).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([20, 20, 1]);
  });

  it('reports the sample as loaded once imported under its dataset name', async () => {
    const info = await studio.call('getSample', {});
    const { jobId } = await studio.call('importPaths', { paths: [info.path!], dataset: info.dataset });
    const summary = await jobResult(studio, 'import', jobId);
    expect(summary.added).toBe(400);
    expect(summary.failed).toEqual([]);
    expect((await studio.call('getSample', {})).loaded).toBe(true);
  });

  it('looks in LATENT_STUDIO_RESOURCES first, and in app.asar.unpacked for a packaged app', () => {
    const res = path.join(tmp.dir, 'res');
    mkdirSync(path.join(res, 'sample', 'digits'), { recursive: true });
    expect(findSampleDir({ LATENT_STUDIO_RESOURCES: res }, path.join(tmp.dir, 'nowhere'))).toBe(null); // empty folder: no images
    const real = path.resolve(import.meta.dirname, '../../../resources');
    expect(findSampleDir({ LATENT_STUDIO_RESOURCES: real }, path.join(tmp.dir, 'nowhere'))).toBe(path.join(real, 'sample', 'digits'));
  });
});

describe('openFolder', () => {
  it('says why it cannot open a folder without a desktop host', async () => {
    const r = await studio.call('openFolder', { path: tmp.dir });
    expect(r.opened).toBe(false);
    expect(r.reason).toMatch(/browser studio/);
  });

  it('refuses a folder that does not exist, naming it', async () => {
    const missing = path.join(tmp.dir, 'missing');
    await expect(studio.call('openFolder', { path: missing })).rejects.toThrow(`${missing}: no such folder`);
  });

  it('uses the host service when the desktop app offers one', async () => {
    const opened: string[] = [];
    const desktop = new Studio({
      homeDir: path.join(tmp.dir, 'home2'),
      host: 'test',
      hostServices: { openPath: async (p: string) => (opened.push(p), '') } as never,
    });
    try {
      expect(await desktop.call('openFolder', { path: tmp.dir })).toEqual({ opened: true });
      expect(opened).toEqual([tmp.dir]);
    } finally {
      await desktop.close();
    }
  });
});
