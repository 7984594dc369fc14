// `import` against hostile inputs, through the real CLI, catalog and sharp: a link named .jpg to
// /dev/zero, FIFOs (named directly and behind a link), a sparse 1.5 GB .jpg, a file whose name is
// not UTF-8, folders that cannot be listed. Each is refused quickly with one line naming it (or,
// for the byte name, imported), the other files are imported, and the job finishes with exit 2.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import type { ImportSummary } from '../../../src-main/core/contract/catalog.js';
import { studioHome } from '../../../src-main/core/system/home.js';
import { readImage } from '../../../src-main/core/imaging/index.js';
import { LANDSCAPE_FILES, LANDSCAPES } from '../../core/catalog/catalog-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { runCli } from '../run-cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const isRoot = process.getuid?.() === 0;

let tmp: ReturnType<typeof makeTmpDir>;
let home: string;
beforeEach(() => {
  tmp = makeTmpDir('ls-import-hostile-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

/** Landscapes to import beside the hostile entries, so "the import goes on" is seen. */
function goodFolder(dir: string, count = 3): string[] {
  mkdirSync(dir, { recursive: true });
  return LANDSCAPE_FILES.slice(0, count).map((f) => {
    copyFileSync(path.join(LANDSCAPES, f), path.join(dir, f));
    return path.join(dir, f);
  });
}

async function importJson(...args: string[]) {
  const r = await runCli(home, '--json', 'import', ...args);
  return { ...r, summary: JSON.parse(r.stdout) as ImportSummary };
}

function catalogPaths(dataset: string): string[] {
  const catalog = openCatalog(studioHome(home).catalogFile);
  try {
    const d = catalog.datasets.byName(dataset)!;
    return catalog.images.forDataset(d.id).map((i) => i.path);
  } finally {
    catalog.close();
  }
}

describe('import of hostile inputs', () => {
  it('refuses a link named .jpg to /dev/zero at once, in bounded memory, and imports the rest', async () => {
    const dir = path.join(tmp.dir, 'photos');
    goodFolder(dir);
    const zero = path.join(dir, 'x.jpg');
    symlinkSync('/dev/zero', zero);
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const r = await importJson(dir, '--dataset', 'zero');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300e6);
    expect(r.code).toBe(2);
    expect(r.summary).toMatchObject({ state: 'done', added: 3, total: 4 });
    expect(r.summary.failed).toEqual([
      { path: zero, error: `${zero}: not a regular file (a symbolic link to /dev/zero, a character device)` },
    ]);
  }, 60_000);

  it('refuses a FIFO named directly and one behind a .jpg link in a folder, without waiting on them', async () => {
    const dir = path.join(tmp.dir, 'photos');
    goodFolder(dir, 2);
    const fifo = path.join(tmp.dir, 'pipe.jpg');
    execFileSync('mkfifo', [fifo]);
    const link = path.join(dir, 'later.jpg');
    symlinkSync(fifo, link);
    const r = await importJson(fifo, dir, '--dataset', 'fifo');
    expect(r.code).toBe(2);
    expect(r.summary).toMatchObject({ state: 'done', added: 2, total: 4 });
    expect(Object.fromEntries(r.summary.failed.map((f) => [f.path, f.error]))).toEqual({
      [fifo]: `${fifo}: not a regular file (a FIFO)`,
      [link]: `${link}: not a regular file (a symbolic link to ${fifo}, a FIFO)`,
    });
    // The text form says the same in one line per file; with nothing imported the import failed (exit 1).
    const text = await runCli(home, 'import', fifo, '--dataset', 'fifo');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`failed: ${fifo}: not a regular file (a FIFO)\n`);
  }, 60_000);

  it('refuses a sparse 1.5 GB .jpg by its size, before reading it', async () => {
    const dir = path.join(tmp.dir, 'photos');
    goodFolder(dir, 1);
    const big = path.join(dir, 'huge.jpg');
    writeFileSync(big, '');
    truncateSync(big, 1500 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const r = await importJson(dir, '--dataset', 'big');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(300e6);
    expect(r.summary).toMatchObject({ added: 1, total: 2 });
    expect(r.summary.failed).toEqual([{ path: big, error: `${big}: 1.46 GiB, over the 512 MiB limit for an image file (not read)` }]);
  }, 60_000);

  it('imports a PNG whose name is not UTF-8, under its \\xHH name, and can read it back for training', async () => {
    const dir = path.join(tmp.dir, 'photos');
    goodFolder(dir, 1);
    // "café.png" written by a Latin-1 system: 0xe9 alone is not UTF-8.
    copyFileSync(
      path.join(LANDSCAPES, LANDSCAPE_FILES[1]!),
      Buffer.concat([Buffer.from(dir + '/caf'), Buffer.from([0xe9]), Buffer.from('.png')]),
    );
    const r = await importJson(dir, '--dataset', 'bytes');
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ added: 2, failed: [] });
    const shown = path.join(dir, 'caf\\xe9.png');
    expect(catalogPaths('bytes')).toContain(shown);
    // The catalog's path opens the very file (training reads images through readImage).
    expect((await readImage(shown)).width).toBe(180);
  }, 60_000);

  it('imports a file named with bytes that are not UTF-8 on the command line (bytes taken from /proc/self/cmdline)', () => {
    const dir = path.join(tmp.dir, 'photos');
    mkdirSync(dir, { recursive: true });
    copyFileSync(
      path.join(LANDSCAPES, LANDSCAPE_FILES[0]!),
      Buffer.concat([Buffer.from(dir + '/caf'), Buffer.from([0xe9]), Buffer.from('.jpg')]),
    );
    // A shell passes the raw bytes; Node's argv would hold "caf\ufffd.jpg".
    const run = spawnSync(
      'bash',
      ['-c', `exec node bin/latent-studio.js --home "$1" --json import "$2/$(printf 'caf\\xe9.jpg')" --dataset argv`, '_', home, dir],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).not.toContain('latent-studio:');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ added: 1, failed: [] });
    expect(catalogPaths('argv')).toEqual([path.join(dir, 'caf\\xe9.jpg')]);
  }, 150_000);

  it('explains a U+FFFD name that matches no file (bytes lost before the studio saw them)', async () => {
    const dir = path.join(tmp.dir, 'photos');
    goodFolder(dir, 1);
    const lost = path.join(dir, 'caf\ufffd.jpg');
    const r = await importJson(lost, dir, '--dataset', 'lost');
    expect(r.code).toBe(2);
    expect(r.summary.failed).toHaveLength(1);
    expect(r.summary.failed).toEqual([
      {
        path: lost,
        error: `${lost}: no such file (a \ufffd in a name given as text stands for bytes that are not UTF-8: give its folder, or write those bytes as \\xHH, e.g. photo\\xff.jpg)`,
      },
    ]);
  }, 60_000);

  it('reports a subfolder that cannot be listed (its path is too long), exit 2', async () => {
    const dir = path.join(tmp.dir, 'photos');
    goodFolder(dir, 1);
    const name = 'd'.repeat(200);
    execFileSync('bash', [
      '-c',
      `cd "$1" && for i in $(seq 22); do mkdir "$2" && cd "$2"; done && cp "$3" x.jpg`,
      '_',
      dir,
      name,
      path.join(LANDSCAPES, LANDSCAPE_FILES[2]!),
    ]);
    try {
      const r = await importJson(dir, '--dataset', 'deep');
      expect(r.code).toBe(2);
      expect(r.summary).toMatchObject({ added: 1, total: 2 });
      expect(r.summary.failed[0]!.error).toMatch(/^\/.*\/d{200}: cannot list folder \(its path is too long for the file system\)$/);
    } finally {
      execFileSync('rm', ['-rf', path.join(dir, name)]);
    }
  }, 60_000);

  it.skipIf(isRoot)(
    'reports a subfolder it may not list, exit 2 (not run as root, whom chmod 000 does not stop)',
    async () => {
      const dir = path.join(tmp.dir, 'photos');
      goodFolder(dir, 1);
      const locked = path.join(dir, 'locked');
      goodFolder(locked, 1);
      chmodSync(locked, 0o000);
      try {
        const r = await importJson(dir, '--dataset', 'locked');
        expect(r.code).toBe(2);
        expect(r.summary.failed).toEqual([{ path: locked, error: `${locked}: cannot list folder (permission denied)` }]);
      } finally {
        chmodSync(locked, 0o755);
      }
    },
    60_000,
  );
});
