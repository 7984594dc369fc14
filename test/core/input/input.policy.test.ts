// The one reading policy for a user's files (input/open-input.ts), the shown form of names that
// are not UTF-8 (input/names.ts), the one folder walk (input/walk.ts) and the output-name check,
// on real files: FIFOs, links to devices, sparse files, byte names.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadImageFile, readImage } from '../../../src-main/core/imaging/index.js';
import { argvWithBytes } from '../../../src-main/core/input/argv.js';
import { bytesOfShown, fsPathOf, showBytes, showPath } from '../../../src-main/core/input/names.js';
import { checkInput, MAX_IMAGE_FILE_BYTES, readInput } from '../../../src-main/core/input/open-input.js';
import { walkInputs } from '../../../src-main/core/input/walk.js';
import { outputNameProblem } from '../../../src-main/core/system/output-name.js';
import { DIGITS } from '../codec/tiny-model.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => {
  tmp = makeTmpDir('ls-policy-');
});
afterEach(() => tmp.cleanup());

const isRoot = process.getuid?.() === 0;
const LIMITS = { maxBytes: MAX_IMAGE_FILE_BYTES, what: 'an image file' };
/** A path in the temp folder whose last name is the given bytes. */
const bytePath = (dir: string, name: number[] | Buffer) => Buffer.concat([Buffer.from(dir + path.sep), Buffer.from(name)]);
const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

describe('names that are not UTF-8', () => {
  it('shows undecodable bytes, control and bidi characters as \\xHH, and nothing else', () => {
    expect(showBytes(Buffer.from('café/日本/😀.png'))).toBe('café/日本/😀.png');
    expect(showBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x6e, 0x67]))).toBe('caf\\xe9.png');
    expect(showBytes(Buffer.from([0xe2, 0x80, 0x61]))).toBe('\\xe2\\x80a'); // a cut-off sequence
    expect(showBytes(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\\xed\\xa0\\x80'); // an encoded surrogate
    expect(showPath('a\nb\u202ec.png')).toBe('a\\x0ab\\xe2\\x80\\xaec.png');
    expect(showPath('back\\slash.png')).toBe('back\\slash.png');
    for (const bytes of [
      [0x66, 0xff],
      [0xc3, 0x28],
      [0x0a, 0x41],
      [0xe2, 0x80, 0xae],
    ]) {
      expect(bytesOfShown(showBytes(Buffer.from(bytes)))).toEqual(Buffer.from(bytes));
    }
  });

  it('opens a shown name as its bytes, and a literal backslash name as written', () => {
    const bytes = bytePath(tmp.dir, [0x66, 0xff, 0x2e, 0x70, 0x6e, 0x67]);
    writeFileSync(bytes, 'x');
    const shown = path.join(tmp.dir, 'f\\xff.png');
    expect(fsPathOf(shown)).toEqual(bytes);
    // A file really named with a backslash, x, 4 and 1 is taken literally.
    const literal = path.join(tmp.dir, 'a\\x41.png');
    writeFileSync(literal, 'y');
    expect(fsPathOf(literal)).toBe(literal);
    expect(fsPathOf(path.join(tmp.dir, 'plain.png'))).toBe(path.join(tmp.dir, 'plain.png'));
  });

  it('gives back the bytes of command-line arguments that were not UTF-8 (Linux /proc/self/cmdline)', () => {
    // A cmdline file as the kernel writes it: NUL-terminated arguments, node and script first.
    const cmdline = path.join(tmp.dir, 'cmdline');
    const raw = [
      Buffer.from('node'),
      Buffer.from('bin/latent-studio.js'),
      Buffer.from('import'),
      Buffer.from([0x61, 0xff, 0x2e, 0x6a, 0x70, 0x67]),
    ];
    writeFileSync(cmdline, Buffer.concat(raw.flatMap((b) => [b, Buffer.from([0])])));
    const argv = raw.slice(2).map((b) => b.toString('utf8'));
    expect(argv[1]).toBe('a\ufffd.jpg');
    const expected = process.platform === 'linux' ? ['import', 'a\\xff.jpg'] : argv;
    expect(argvWithBytes(argv, cmdline)).toEqual(expected);
    // Arguments that do not match the file are left as they are.
    expect(argvWithBytes(['other', 'b\ufffd.jpg'], cmdline)).toEqual(['other', 'b\ufffd.jpg']);
  });
});

describe('the reading policy', () => {
  it('refuses a link named .jpg to /dev/zero without reading it', async () => {
    const link = path.join(tmp.dir, 'x.jpg');
    symlinkSync('/dev/zero', link);
    await expect(checkInput(link, LIMITS)).rejects.toThrow(
      `${link}: not a regular file (a symbolic link to /dev/zero, a character device)`,
    );
    await expect(loadImageFile(link)).rejects.toThrow(/not a regular file/);
  });

  it('refuses a FIFO, named directly or behind a link, and never waits on it', async () => {
    const fifo = path.join(tmp.dir, 'pipe.jpg');
    mkfifo(fifo);
    const link = path.join(tmp.dir, 'link.jpg');
    symlinkSync(fifo, link);
    await expect(readInput(fifo, LIMITS)).rejects.toThrow(`${fifo}: not a regular file (a FIFO)`);
    await expect(readImage(link)).rejects.toThrow(`${link}: not a regular file (a symbolic link to ${fifo}, a FIFO)`);
  });

  it('refuses a file over the size limit before reading a byte of it', async () => {
    const big = path.join(tmp.dir, 'huge.jpg');
    writeFileSync(big, '');
    truncateSync(big, 1500 * 1024 * 1024); // sparse: no disk used, 1.5 GB to a reader
    const rss = process.memoryUsage().rss;
    await expect(loadImageFile(big)).rejects.toThrow(`${big}: 1.46 GiB, over the 512 MiB limit for an image file (not read)`);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100e6);
  });

  it('names folders, empty files, broken links and missing files in one line each', async () => {
    const empty = path.join(tmp.dir, 'empty.png');
    writeFileSync(empty, '');
    const broken = path.join(tmp.dir, 'broken.png');
    symlinkSync(path.join(tmp.dir, 'gone.png'), broken);
    await expect(checkInput(tmp.dir, LIMITS)).rejects.toThrow(`${tmp.dir}: is a folder`);
    await expect(checkInput(empty, LIMITS)).rejects.toThrow(`${empty}: empty file (0 bytes)`);
    await expect(checkInput(broken, LIMITS)).rejects.toThrow(`${broken}: broken symbolic link (to ${path.join(tmp.dir, 'gone.png')})`);
    await expect(checkInput(path.join(tmp.dir, 'gone.png'), LIMITS)).rejects.toThrow(/gone\.png: no such file$/);
    // A U+FFFD (what process.argv makes of bytes that are not UTF-8) gets a hint.
    await expect(checkInput(path.join(tmp.dir, 'caf\ufffd.png'), LIMITS)).rejects.toThrow(/stands for bytes that are not UTF-8.*\\xHH/);
  });

  it('tells the image type by its head before reading the rest', async () => {
    const text = path.join(tmp.dir, 'notes.png');
    writeFileSync(text, 'just text\n');
    const svg = path.join(tmp.dir, 'drawing.jpg');
    writeFileSync(svg, '\n  <svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    await expect(loadImageFile(text)).rejects.toThrow(`${text}: not an image or unsupported format`);
    await expect(loadImageFile(svg)).rejects.toThrow(`${svg}: unsupported image format (svg)`);
    const loaded = await loadImageFile(DIGITS[0]!);
    expect(loaded.type).toBe('png');
    expect(loaded.bytes.equals(readFileSync(DIGITS[0]!))).toBe(true);
  });

  it('reads and decodes an image whose name is not UTF-8, by its shown name', async () => {
    const bytes = bytePath(tmp.dir, [0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x6e, 0x67]);
    copyFileSync(DIGITS[0]!, bytes);
    const shown = path.join(tmp.dir, 'caf\\xe9.png');
    const img = await readImage(shown);
    expect(img.width * img.height).toBeGreaterThan(0);
    await expect(readImage(path.join(tmp.dir, 'caf\\xe8.png'))).rejects.toThrow(/caf\\xe8\.png: no such file$/);
  });
});

describe('the folder walk', () => {
  it('takes the same image names for every job, reports unusable entries, keeps byte names', async () => {
    const dir = path.join(tmp.dir, 'in');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    copyFileSync(DIGITS[0]!, path.join(dir, 'a.png'));
    writeFileSync(path.join(dir, 'old.bmp'), 'BM');
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    copyFileSync(DIGITS[1]!, bytePath(path.join(dir, 'sub'), [0x62, 0xff, 0x2e, 0x70, 0x6e, 0x67]));
    symlinkSync('/dev/zero', path.join(dir, 'zero.jpg'));
    mkfifo(path.join(dir, 'pipe.png'));
    symlinkSync(path.join(dir, 'pipe.png'), path.join(dir, 'piped.jpg'));
    symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    const r = await walkInputs([dir], 'images');
    expect(r.files.map((f) => f.rel)).toEqual(['a.png', 'old.bmp', 'sub/b\\xff.png']);
    expect(r.files[2]!.path).toBe(path.join(dir, 'sub', 'b\\xff.png'));
    expect(Object.fromEntries(r.failed.map((f) => [path.basename(f.path), f.error]))).toEqual({
      'pipe.png': `${path.join(dir, 'pipe.png')}: not a regular file (a FIFO)`,
      'piped.jpg': `${path.join(dir, 'piped.jpg')}: not a regular file (a symbolic link to ${path.join(dir, 'pipe.png')}, a FIFO)`,
      'zero.jpg': `${path.join(dir, 'zero.jpg')}: not a regular file (a symbolic link to /dev/zero, a character device)`,
    });
  });

  it('reports a folder whose path is too long to list (this holds as root too)', async () => {
    const root = path.join(tmp.dir, 'deep');
    const name = 'd'.repeat(200);
    // Made with relative steps, as a user's tools would: the whole path ends past PATH_MAX (4096).
    execFileSync('bash', [
      '-c',
      `mkdir -p "$1" && cd "$1" && for i in $(seq 22); do mkdir "$2" && cd "$2"; done && cp "$3" x.png`,
      '_',
      root,
      name,
      DIGITS[0]!,
    ]);
    try {
      const r = await walkInputs([root], 'images');
      expect(r.files).toEqual([]);
      expect(r.failed).toHaveLength(1);
      expect(r.failed[0]!.error).toMatch(/: cannot list folder \(its path is too long for the file system\)$/);
    } finally {
      execFileSync('rm', ['-rf', root]);
    }
  });

  it.skipIf(isRoot)('reports a subfolder it may not list (not run as root, whom chmod 000 does not stop)', async () => {
    const dir = path.join(tmp.dir, 'in');
    mkdirSync(path.join(dir, 'locked'), { recursive: true });
    copyFileSync(DIGITS[0]!, path.join(dir, 'locked', 'a.png'));
    chmodSync(path.join(dir, 'locked'), 0o000);
    try {
      const r = await walkInputs([dir], 'images');
      expect(r.failed).toEqual([
        { path: path.join(dir, 'locked'), error: `${path.join(dir, 'locked')}: cannot list folder (permission denied)` },
      ]);
    } finally {
      chmodSync(path.join(dir, 'locked'), 0o755);
    }
  });
});

describe('output names', () => {
  it('refuses an output name the file system would reject, before any work', () => {
    const out = path.join(tmp.dir, `${'a'.repeat(247)}.latent`);
    expect(outputNameProblem('/in/x.png', out)).toMatch(
      /^\/in\/x\.png: its output name a+\.latent is 254 bytes, over the \d+ an output name may have/,
    );
    expect(outputNameProblem('/in/x.png', path.join(tmp.dir, 'x.latent'))).toBeUndefined();
    const deep = path.join(tmp.dir, ...Array.from({ length: 25 }, () => 'f'.repeat(200)), 'x.latent');
    expect(outputNameProblem('/in/x.png', deep)).toMatch(/too long for the file system/);
  });
});
