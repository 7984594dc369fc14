// compress / decompress through the command line (and so the contract, the worker tasks and the
// catalog), on a tiny real model trained here.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { FORMAT_VERSION, readSingle, writeSingle } from '../../../src-main/core/codec/container.js';
import { studioHome } from '../../../src-main/core/system/home.js';
import { DIGITS, catalogedTinyModel, type TinyModel } from '../../core/codec/tiny-model.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { sink } from '../../helpers/text-sink.js';

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let model: TinyModel;

async function cli(...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', home, ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  tmp = makeTmpDir();
  home = path.join(tmp.dir, 'home');
  model = await catalogedTinyModel(home, 'digits-tiny', 'digits tiny', 10);
});

afterAll(() => {
  model?.model.dispose();
  tmp?.cleanup();
});

describe('compress and decompress on the command line', () => {
  it('compresses a batch, goes on past bad inputs (exit 2), records latents, and decompresses at the original size', async () => {
    const out = path.join(tmp.dir, 'lat');
    const bad = path.join(tmp.dir, 'notes.png');
    writeFileSync(bad, 'this is text, not a PNG');
    const r = await cli('--json', 'compress', '--model', model.id, DIGITS[0]!, bad, DIGITS[1]!, '--out', out, '--quality', '60');
    expect(r.code, r.stderr).toBe(2);
    const doc = JSON.parse(r.stdout) as {
      files: Array<{ input: string; output: string; bytes: number; quality: number; latentId: number }>;
      failed: Array<{ path: string; error: string }>;
    };
    expect(doc.files.map((f) => path.basename(f.output))).toEqual(['d0-0.latent', 'd0-1.latent']);
    for (const f of doc.files) {
      expect(readFileSync(f.output).length).toBe(f.bytes);
      expect(f.quality).toBe(60);
      expect(f.latentId).toBeGreaterThan(0);
    }
    expect(doc.failed.map((f) => f.path)).toEqual([bad]);
    for (const f of doc.failed) expect(f.error).toContain(f.path);
    expect(doc.failed[0]!.error).toMatch(/notes\.png: /);

    const catalog = openCatalog(studioHome(home).catalogFile);
    expect(
      catalog.latents
        .forModel(model.id)
        .map((l) => l.outputPath)
        .sort(),
    ).toEqual(doc.files.map((f) => f.output).sort());
    catalog.close();

    // Never overwritten without --overwrite.
    const again = await cli('compress', '--model', model.id, DIGITS[0]!, '--out', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/d0-0\.latent: already exists \(use --overwrite to replace it\)\n$/);
    expect((await cli('compress', '--model', model.id, DIGITS[0]!, '--out', out, '--overwrite', '--quality', '30')).code).toBe(0);

    const imgs = path.join(tmp.dir, 'img');
    const d = await cli('--json', 'decompress', ...doc.files.map((f) => f.output), '--out', imgs);
    expect(d.code, d.stderr).toBe(0);
    const dd = JSON.parse(d.stdout) as { files: Array<{ output: string; width: number; height: number }>; failed: unknown[] };
    expect(dd.failed).toEqual([]);
    for (const f of dd.files) {
      const m = await sharp(f.output).metadata();
      expect([m.width, m.height, m.format]).toEqual([20, 20, 'png']);
    }
  });

  it('gives one line naming the file and exit 1 for each kind of bad .latent', async () => {
    const dir = path.join(tmp.dir, 'bad');
    mkdirSync(dir, { recursive: true });
    const good = path.join(tmp.dir, 'good');
    expect((await cli('compress', '--model', model.id, DIGITS[5]!, '--out', good)).code).toBe(0);
    const bytes = readFileSync(path.join(good, 'd0-5.latent'));
    const latent = readSingle(bytes, 'x');
    const cases: Array<[string, Uint8Array, RegExp]> = [];
    cases.push(['png.latent', readFileSync(DIGITS[0]!), /png\.latent: not a \.latent file$/]);
    const v = Uint8Array.from(bytes);
    v[4] = FORMAT_VERSION + 1;
    cases.push(['version.latent', v, new RegExp(`version\\.latent: unsupported \\.latent format version ${FORMAT_VERSION + 1}`)]);
    cases.push(['cut.latent', bytes.subarray(0, bytes.length - 7), /cut\.latent: truncated \(\d+ of \d+ bytes\)$/]);
    const flipped = Uint8Array.from(bytes);
    flipped[bytes.length - 6]! ^= 4;
    cases.push(['crc.latent', flipped, /crc\.latent: CRC mismatch \(the file is corrupt\)$/]);
    const { kind: _k, bytes: _b, ...rest } = latent;
    cases.push([
      'gone.latent',
      writeSingle({ ...rest, params: { ...latent.params, modelId: 'm-gone-1234' } }),
      /gone\.latent: needs model m-gone-1234, which is not in the catalog/,
    ]);
    cases.push([
      'hash.latent',
      writeSingle({ ...rest, params: { ...latent.params, weightsTag: new Uint8Array(8).fill(7) } }),
      new RegExp(
        `hash\\.latent: decoder hash mismatch \\(file made with weights 0707070707070707, model ${model.id} in the catalog has [0-9a-f]{16}\\)$`,
      ),
    ]);
    for (const [name, content, pattern] of cases) {
      const f = path.join(dir, name);
      writeFileSync(f, content);
      const r = await cli('decompress', f, '--out', path.join(tmp.dir, 'never'));
      expect(r.code, name).toBe(1);
      expect(r.stderr.trim().split('\n'), `${name}: ${r.stderr}`).toHaveLength(1);
      expect(r.stderr.trim(), name).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\s+at /);
    }
    expect(existsSync(path.join(tmp.dir, 'never'))).toBe(false);
  });

  it('packs a dataset into one file, decodes chosen images, searches a target bpp, refuses alpha in JPEG', async () => {
    const out = path.join(tmp.dir, 'pack');
    const rgba = path.join(tmp.dir, 'alpha-digit.png');
    await sharp(DIGITS[2]!).ensureAlpha(0.5).png().toFile(rgba);
    const p = await cli(
      '--json',
      'compress',
      '--model',
      model.id,
      ...DIGITS.slice(0, 12),
      rgba,
      '--out',
      out,
      '--pack',
      'digits',
      '--quality',
      '50',
    );
    expect(p.code, p.stderr + p.stdout).toBe(0);
    const pj = JSON.parse(p.stdout) as { pack: { output: string; images: number; bytes: number } };
    expect(pj.pack).toMatchObject({ output: path.join(out, 'digits.latent'), images: 13 });

    const d = await cli('--json', 'decompress', pj.pack.output, '--out', out, '--image', '3,12', '--format', 'webp');
    expect(d.code, d.stderr).toBe(0);
    const dj = JSON.parse(d.stdout) as { files: Array<{ output: string; image: number; channels: number }> };
    expect(dj.files.map((f) => [path.relative(out, f.output), f.image, f.channels])).toEqual([
      [path.join('digits', 'd0-3.webp'), 3, 1],
      [path.join('digits', 'alpha-digit.webp'), 12, 4],
    ]);
    const m = await sharp(dj.files[1]!.output).raw().toBuffer({ resolveWithObject: true });
    const src = await sharp(rgba).raw().toBuffer({ resolveWithObject: true });
    expect(m.info.channels).toBe(4);
    const alphaOf = (b: Buffer) => Array.from({ length: 400 }, (_, i) => b[4 * i + 3]);
    expect(alphaOf(m.data)).toEqual(alphaOf(src.data)); // alpha kept exactly (WebP stores it losslessly)

    // Alpha cannot go into JPEG: the pack is refused with that image's reason, before anything is
    // decoded, and no folder is left with only some of its images.
    const j = await cli('--json', 'decompress', pj.pack.output, '--out', path.join(tmp.dir, 'jpg'), '--image', '0,12', '--format', 'jpeg');
    expect(j.code, j.stderr).toBe(1);
    expect(j.stderr).toMatch(/digits\.latent image 12: has an alpha channel, which JPEG cannot hold/);
    expect(existsSync(path.join(tmp.dir, 'jpg'))).toBe(false);

    const t = await cli(
      '--json',
      'compress',
      '--model',
      model.id,
      DIGITS[7]!,
      '--out',
      path.join(tmp.dir, 'target'),
      '--target-bpp',
      '1.5',
    );
    expect(t.code, t.stderr).toBe(0);
    const tf = (
      JSON.parse(t.stdout) as { files: Array<{ bpp: number; target: { kind: string; wanted: number; reached: number; met: boolean } }> }
    ).files[0]!;
    expect(tf.target).toMatchObject({ kind: 'bpp', wanted: 1.5 });
    expect(tf.target.reached).toBe(tf.bpp);
    expect(tf.bpp).toBeLessThanOrEqual(1.5);
    copyFileSync(DIGITS[7]!, path.join(tmp.dir, 'unused.png'));
  });
});
