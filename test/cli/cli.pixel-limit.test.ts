// `decompress` refuses a tiny .latent that declares a huge image on every CLI path, one-shot and
// batch, single file and pack, in one line naming the file, its size, the limit and --max-pixels;
// --max-pixels is honoured by the one-shot commands as by the batch ones.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../src-main/core/catalog/index.js';
import { loadModel } from '../../src-main/core/engine/model-io.js';
import { studioHome } from '../../src-main/core/system/home.js';
import { BASE_SMALL_FILE, V1_DIR, v1Pack, v1Single, v2Pack, v2Single } from '../core/codec/bombs.js';
import { DIGITS } from '../core/codec/tiny-model.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { runCli } from './run-cli.js';

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let single: string;
let v1single: string;
let v1many: string;
let pack: string;
let total: string;
let good: string;
let packs: string;

const OVER = '10000x10000 is 100\\.0 megapixels, over the limit of 40\\.0 megapixels \\(.*raise the limit with --max-pixels N\\)';
const esc = (s: string) => s.replace(/[.]/g, '\\.');

beforeAll(async () => {
  tmp = makeTmpDir('ls-bomb-cli-');
  home = path.join(tmp.dir, 'home');
  // The committed format-1 model, in this home's catalog: its bombs decode for real without a limit.
  const v1 = await loadModel(path.join(V1_DIR, 'model'));
  mkdirSync(home, { recursive: true });
  const catalog = openCatalog(studioHome(home).catalogFile);
  catalog.models.add({
    id: v1.id,
    name: 'v1',
    datasetId: null,
    arch: 'dense',
    dir: path.join(V1_DIR, 'model'),
    weightsHash: v1.weightsHash,
    card: v1.card,
  });
  catalog.close();
  v1single = path.join(tmp.dir, 'big-v1.latent');
  writeFileSync(v1single, v1Single(v1, 10000, 10000));
  v1many = path.join(tmp.dir, 'many-v1.latent');
  writeFileSync(
    v1many,
    v1Pack(
      v1,
      Array.from({ length: 101 }, () => [100, 100]),
    ),
  );
  v1.dispose();
  packs = path.join(tmp.dir, 'packs');
  mkdirSync(packs);
  single = path.join(tmp.dir, 'big.latent');
  pack = path.join(packs, 'eight.latent');
  total = path.join(packs, 'many.latent');
  good = path.join(tmp.dir, 'good.latent');
  writeFileSync(single, v2Single(10000, 10000));
  writeFileSync(pack, v2Pack(Array.from({ length: 8 }, () => [10000, 10000])));
  writeFileSync(
    total,
    v2Pack(
      Array.from({ length: 112 }, () => [6000, 6000]),
      64,
    ),
  );
  copyFileSync(BASE_SMALL_FILE, good);
});

afterAll(() => tmp?.cleanup());

interface Doc {
  files: unknown[];
  failed: Array<{ path: string; error: string }>;
}

describe('decompress and the pixel limit', () => {
  it('one-shot: a single file and a pack are refused in one line (exit 1), nothing written', async () => {
    const out = path.join(tmp.dir, 'one');
    for (const [file, what] of [
      [v1single, ''],
      [single, ''],
      [pack, ' image 0'],
    ] as const) {
      const t0 = performance.now();
      const r = await runCli(home, 'decompress', file, '--out', out);
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^latent-studio: ${esc(file)}${what}: ${OVER}\\n$`));
    }
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('batch: the single file and each pack, with the pack total, are reported failed (exit 2), nothing written', async () => {
    const out = path.join(tmp.dir, 'batch');
    const one = await runCli(home, '--json', 'decompress', single, '--out', out, '--workers', '1');
    expect(one.code).toBe(2);
    expect((JSON.parse(one.stdout) as Doc).failed[0]!.error).toMatch(new RegExp(`^${esc(single)}: ${OVER}$`));
    const folder = await runCli(home, '--json', 'decompress', packs, '--out', out, '--workers', '1');
    expect(folder.code).toBe(2);
    const doc = JSON.parse(folder.stdout) as Doc;
    const error = (file: string) => doc.failed.find((f) => f.path === file)?.error;
    expect(error(pack)).toMatch(new RegExp(`^${esc(pack)} image 0: ${OVER}$`));
    expect(error(total)).toMatch(/many\.latent: its 112 images hold 4032\.0 megapixels, over the pack limit of 4000\.0 megapixels/);
    expect(doc.files).toEqual([]);
    expect(existsSync(path.join(out, 'eight'))).toBe(false);
    expect(existsSync(path.join(out, 'many'))).toBe(false);
    // A pack's total follows --max-pixels: 101 images of 100x100 against 100 x 10000 pixels.
    const limited = await runCli(home, '--json', 'decompress', v1many, '--out', out, '--max-pixels', '10000', '--workers', '1');
    expect(limited.code).toBe(2);
    expect((JSON.parse(limited.stdout) as Doc).failed[0]!.error).toMatch(
      /many-v1\.latent: its 101 images hold 1\.01 megapixels, over the pack limit of 1\.00 megapixels/,
    );
    expect(existsSync(path.join(out, 'many-v1'))).toBe(false);
  }, 60_000);

  it('--max-pixels sets the limit for one-shot decompress and compress as for a batch', async () => {
    const out = path.join(tmp.dir, 'limit');
    const refused = await runCli(home, 'decompress', good, '--out', out, '--max-pixels', '399');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/good\.latent: 20x20 is 400 pixels, over the limit of 399 pixels \(.*--max-pixels N\)/);
    const ok = await runCli(home, 'decompress', good, '--out', out, '--max-pixels', '400');
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(path.join(out, 'good.png'))).toBe(true);
    const batch = await runCli(home, '--json', 'decompress', good, '--out', path.join(out, 'b'), '--max-pixels', '399', '--workers', '1');
    expect(batch.code).toBe(2);
    expect((JSON.parse(batch.stdout) as Doc).failed[0]!.error).toMatch(/20x20 is 400 pixels, over the limit of 399 pixels/);

    const digit = DIGITS[0]!;
    const c = await runCli(home, 'compress', '--model', 'base-small', digit, '--out', path.join(out, 'c'), '--max-pixels', '399');
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(new RegExp(`${esc(digit)}: 20x20 is 400 pixels, over the limit of 399 pixels`));
  }, 60_000);

  it('import takes the same --max-pixels: an image over it is refused before decoding, the rest imported', async () => {
    const h = path.join(tmp.dir, 'import-home');
    const [a, b] = DIGITS as [string, string];
    const refused = await runCli(h, '--json', 'import', a, b, '--dataset', 'd', '--max-pixels', '399');
    expect(refused.code).toBe(1);
    const doc = JSON.parse(refused.stdout) as { added: number; failed: { error: string }[] };
    expect(doc.added).toBe(0);
    expect(doc.failed[0]!.error).toMatch(new RegExp(`${esc(a)}: 20x20 is 400 pixels, over the limit of 399 pixels \\(.*--max-pixels N\\)`));
    const ok = await runCli(h, '--json', 'import', a, b, '--dataset', 'd', '--max-pixels', '400');
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { added: number }).added).toBe(2);
  }, 60_000);
});
