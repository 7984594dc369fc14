// `compress` / `decompress` of folders holding hostile entries, through the real CLI, a real tiny
// model and sharp: a link named .jpg to /dev/zero, a FIFO behind a .jpg link, a sparse 1.5 GB
// .jpg, a PNG whose name is not UTF-8 and an input whose output name is too long. Each is
// refused up front with one line naming it (the byte name is compressed and restored), the good
// files are written, and the batch finishes with exit 2.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogedTinyModel, DIGITS, type TinyModel } from '../core/codec/tiny-model.js';
import { makeTmpDir } from '../helpers/tmp-home.js';
import { runCli } from './run-cli.js';

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
let model: TinyModel;

beforeAll(async () => {
  tmp = makeTmpDir('ls-batch-hostile-');
  home = path.join(tmp.dir, 'home');
  model = await catalogedTinyModel(home, 'hostile', 'hostile inputs', 3);
}, 120_000);

afterAll(() => {
  model?.model.dispose();
  tmp?.cleanup();
});

interface BatchDoc {
  files: { input: string; output: string }[];
  failed: { path: string; error: string }[];
  summary: { total: number; written: number; failed: number };
}

const LONG = `${'a'.repeat(247)}.png`; // 251 characters; its output a…a.latent cannot be written beside a temporary name

describe('batch of hostile inputs', () => {
  it('compresses the good files and the byte-named one, refusing the rest up front; decompresses them back', async () => {
    const src = path.join(tmp.dir, 'in');
    mkdirSync(src, { recursive: true });
    copyFileSync(DIGITS[0]!, path.join(src, 'a.png'));
    copyFileSync(DIGITS[1]!, path.join(src, 'b.png'));
    copyFileSync(DIGITS[2]!, Buffer.concat([Buffer.from(src + '/caf'), Buffer.from([0xe9]), Buffer.from('.png')]));
    copyFileSync(DIGITS[3]!, path.join(src, LONG));
    const zero = path.join(src, 'x.jpg');
    symlinkSync('/dev/zero', zero);
    const fifo = path.join(tmp.dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const piped = path.join(src, 'later.jpg');
    symlinkSync(fifo, piped);
    const huge = path.join(src, 'huge.jpg');
    writeFileSync(huge, '');
    truncateSync(huge, 1500 * 1024 * 1024);

    const out = path.join(tmp.dir, 'out');
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const r = await runCli(home, '--json', 'compress', '--model', model.id, src, '--out', out, '--workers', '1');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(400e6);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as BatchDoc;
    const shown = path.join(src, 'caf\\xe9.png');
    expect(doc.files.map((f) => [f.input, f.output]).sort()).toEqual(
      [
        [path.join(src, 'a.png'), path.join(out, 'a.latent')],
        [path.join(src, 'b.png'), path.join(out, 'b.latent')],
        // Shown escaped in JSON; the output's name is that valid-UTF-8 text.
        [shown, path.join(out, 'caf\\xe9.latent')],
      ].sort(),
    );
    expect(existsSync(path.join(out, 'caf\\xe9.latent'))).toBe(true);
    const errors = Object.fromEntries(doc.failed.map((f) => [path.basename(f.path), f.error]));
    expect(errors).toEqual({
      'x.jpg': `${zero}: not a regular file (a symbolic link to /dev/zero, a character device)`,
      'later.jpg': `${piped}: not a regular file (a symbolic link to ${fifo}, a FIFO)`,
      'huge.jpg': `${huge}: 1.46 GiB, over the 512 MiB limit for an image file (not read)`,
      [LONG]: expect.stringMatching(
        new RegExp(`^${path.join(src, LONG)}: its output name a{247}\\.latent is 254 bytes, over the \\d+ an output name may have`),
      ),
    });
    for (const e of Object.values(errors)) expect(String(e)).not.toMatch(/ENAMETOOLONG|\n/);
    expect(doc.summary).toMatchObject({ total: 7, written: 3, failed: 4 });

    // Decompress the outputs, beside a .latent link to /dev/zero and a FIFO named .latent.
    symlinkSync('/dev/zero', path.join(out, 'zero.latent'));
    execFileSync('mkfifo', [path.join(out, 'pipe.latent')]);
    const back = path.join(tmp.dir, 'back');
    const d = await runCli(home, '--json', 'decompress', out, '--out', back, '--workers', '1');
    expect(d.code).toBe(2);
    const dd = JSON.parse(d.stdout) as BatchDoc;
    expect(dd.files.map((f) => path.basename(f.output)).sort()).toEqual(['a.png', 'b.png', 'caf\\xe9.png']);
    expect(Object.fromEntries(dd.failed.map((f) => [path.basename(f.path), f.error]))).toEqual({
      'pipe.latent': `${path.join(out, 'pipe.latent')}: not a regular file (a FIFO)`,
      'zero.latent': `${path.join(out, 'zero.latent')}: not a regular file (a symbolic link to /dev/zero, a character device)`,
    });
    expect(readdirSync(back).sort()).toEqual(['a.png', 'b.png', 'caf\\xe9.png']);
  }, 180_000);

  it('one file: a FIFO and a name whose output is too long are refused in one line, exit 1', async () => {
    const dir = path.join(tmp.dir, 'single');
    mkdirSync(dir, { recursive: true });
    const fifo = path.join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    const out = path.join(tmp.dir, 'single-out');
    const f = await runCli(home, 'compress', '--model', model.id, fifo, '--out', out);
    expect(f.code).toBe(1);
    expect(f.stderr).toBe(`latent-studio: ${fifo}: not a regular file (a FIFO)\n`);

    const long = path.join(dir, LONG);
    copyFileSync(DIGITS[4]!, long);
    const n = await runCli(home, 'compress', '--model', model.id, long, '--out', out);
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(
      new RegExp(
        `^latent-studio: ${long}: its output name a{247}\\.latent is 254 bytes, over the \\d+ an output name may have \\(shorten the input's name or the suffix\\)\\n$`,
      ),
    );
  }, 120_000);
});
