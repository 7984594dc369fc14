// A tiny valid .latent file that declares a huge image is refused from its header, before any
// model loads or anything decodes, on every decode path: the in-memory decoder, decodeSingle
// (compare and eval), and decompressFiles (the handler the CLI's one-shot decompress and the
// server's POST /api/decompressFiles call), for format 1 and 2, single files and packs (each
// image, and the pack's total), with the default limit and with maxPixels.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { decodeLatentBytes, decodeSingle } from '../../../src-main/core/codec/decompress.js';
import { readAnySingle } from '../../../src-main/core/codec/any-latent.js';
import { loadModel, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { BASE_SMALL_FILE, V1_DIR, v1Pack, v1Single, v2Pack, v2Single } from './bombs.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let v1: LoadedModel;

const OVER = /10000x10000 is 100\.0 megapixels, over the limit of 40\.0 megapixels \(.*raise the limit with --max-pixels N\)$/;
const noModel = async (): Promise<never> => {
  throw new Error('no model may be resolved for a file over the limit');
};

beforeAll(async () => {
  tmp = makeTmpDir('ls-bombs-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  v1 = await loadModel(path.join(V1_DIR, 'model'));
  getCatalog(studio.context).models.add({
    id: v1.id,
    name: 'v1 digits',
    datasetId: null,
    arch: 'dense',
    dir: path.join(V1_DIR, 'model'),
    weightsHash: v1.weightsHash,
    card: v1.card,
  });
});

afterAll(async () => {
  v1?.dispose();
  await studio?.close();
  tmp?.cleanup();
});

describe('the pixel limit', () => {
  it('the in-memory decoder refuses format 1 and 2 bombs, single and pack, before resolving a model', async () => {
    const huge: Array<[number, number]> = Array.from({ length: 8 }, () => [10000, 10000]);
    expect(v2Single(10000, 10000).length).toBeLessThan(80);
    for (const bytes of [v2Single(10000, 10000), v1Single(v1, 10000, 10000)])
      await expect(decodeLatentBytes(noModel, bytes, 'f.latent')).rejects.toThrow(new RegExp(`^f\\.latent: ${OVER.source}`));
    await expect(decodeLatentBytes(noModel, v2Pack(huge), 'f.latent')).rejects.toThrow(new RegExp(`^f\\.latent image 0: ${OVER.source}`));
    const v1pack = v1Pack(v1, [
      [20, 20],
      [10000, 10000],
    ]);
    await expect(decodeLatentBytes(noModel, v1pack, 'f.latent')).rejects.toThrow(new RegExp(`^f\\.latent image 1: ${OVER.source}`));
    // 112 images of 36 megapixels: each within the limit, together over the pack's 4000.
    const many: Array<[number, number]> = Array.from({ length: 112 }, () => [6000, 6000]);
    await expect(decodeLatentBytes(noModel, v2Pack(many, 64), 'f.latent')).rejects.toThrow(
      /^f\.latent: its 112 images hold 4032\.0 megapixels, over the pack limit of 4000\.0 megapixels \(100 times the per-image limit; .*--max-pixels N\)$/,
    );
    // The same with a lower limit: 101 images of 100x100 against 100 x 10000 pixels.
    const small = v1Pack(
      v1,
      Array.from({ length: 101 }, () => [100, 100]),
    );
    await expect(decodeLatentBytes(noModel, small, 'f.latent', 10_000)).rejects.toThrow(
      'f.latent: its 101 images hold 1.01 megapixels, over the pack limit of 1.00 megapixels',
    );
    await expect(decodeLatentBytes(noModel, readFileSync(BASE_SMALL_FILE), 'f.latent', 399)).rejects.toThrow(
      'f.latent: 20x20 is 400 pixels, over the limit of 399 pixels',
    );
  });

  it('decodeSingle refuses it too (the path compare and eval take)', async () => {
    const latent = readAnySingle(v1Single(v1, 10000, 10000), 'x.latent');
    await expect(decodeSingle(v1, latent, 'x.latent')).rejects.toThrow(new RegExp(`^x\\.latent: ${OVER.source}`));
  });

  it('decompressFiles refuses each bomb in a moment, writes nothing for it, and decodes the good file', async () => {
    const dir = path.join(tmp.dir, 'in');
    mkdirSync(dir, { recursive: true });
    const files = {
      single: v2Single(10000, 10000),
      v1single: v1Single(v1, 10000, 10000),
      pack: v2Pack(Array.from({ length: 8 }, () => [10000, 10000])),
      v1pack: v1Pack(v1, [
        [20, 20],
        [10000, 10000],
      ]),
      total: v2Pack(
        Array.from({ length: 112 }, () => [6000, 6000]),
        64,
      ),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.latent`), bytes);
    copyFileSync(BASE_SMALL_FILE, path.join(dir, 'good.latent'));
    const out = path.join(tmp.dir, 'out');
    const t0 = performance.now();
    const r = await studio.call('decompressFiles', {
      paths: [...Object.keys(files), 'good'].map((n) => path.join(dir, `${n}.latent`)),
      outDir: out,
    });
    expect(performance.now() - t0).toBeLessThan(20_000);
    const error = (name: string) => r.failed.find((f) => f.path === path.join(dir, `${name}.latent`))?.error ?? '';
    const file = (name: string) => path.join(dir, `${name}.latent`).replace(/[.]/g, '\\.');
    expect(error('single')).toMatch(new RegExp(`^${file('single')}: ${OVER.source}`));
    expect(error('v1single')).toMatch(new RegExp(`^${file('v1single')}: ${OVER.source}`));
    expect(error('pack')).toMatch(new RegExp(`^${file('pack')} image 0: ${OVER.source}`));
    expect(error('v1pack')).toMatch(new RegExp(`^${file('v1pack')} image 1: ${OVER.source}`));
    expect(error('total')).toMatch(/its 112 images hold 4032\.0 megapixels, over the pack limit/);
    expect(r.failed.every((f) => !f.error.includes('\n'))).toBe(true);
    expect(r.files.map((f) => path.basename(f.output))).toEqual(['good.png']);
    expect(readdirSync(out)).toEqual(['good.png']);

    // maxPixels in the request is the same setting, either way.
    const strict = await studio.call('decompressFiles', {
      paths: [path.join(dir, 'good.latent')],
      outDir: out,
      maxPixels: 399,
      overwrite: true,
    });
    expect(strict.failed[0]?.error).toMatch(/good\.latent: 20x20 is 400 pixels, over the limit of 399 pixels/);
    expect(existsSync(path.join(out, 'single.png'))).toBe(false);
  }, 30_000);
});
