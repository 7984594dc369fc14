// The test tree mirrors the source files, not only their folders (issue 15): a newcomer finds the
// tests of src-main/core/x/y.ts in test/core/x/y.test.ts. A test file's name, up to its first dot,
// names what it tests in the mirrored folder:
//   - a source file:            test/core/codec/container.test.ts      -> src-main/core/codec/container.ts
//     (an aspect after a dot:   test/core/codec/container.fuzz.test.ts -> the same file)
//   - a source folder in it:    test/core/catalog/repos.test.ts        -> src-main/core/catalog/repos/
//   - the mirrored folder itself, for a test of the folder as a whole (a feature test):
//                               test/core/imaging/imaging.test.ts      -> src-main/core/imaging/
// Playwright's specs (test/e2e/*.spec.ts) drive the whole app and are not checked; helpers,
// fixtures and child-process scripts are not tests.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Each test folder and the source folders it mirrors (the Electron side is the shell and its preload). */
const MIRRORS: Record<string, string[]> = {
  'test/core': ['src-main/core'],
  'test/cli': ['src-main/cli'],
  'test/server': ['src-main/server'],
  'test/shell': ['src-main/shell', 'src-main/preload'],
  'test/renderer': ['src-renderer/src'],
};

/** Tests of the repository's own rules and configuration, not of a source file: what each checks. */
const REPOSITORY_CHECKS: Record<string, string> = {
  'test/core/architecture.test.ts': 'eslint.config.js',
  'test/core/layers.test.ts': '.dependency-cruiser.cjs',
  'test/core/test-layout.test.ts': 'test',
  'test/shell/fuses.test.ts': 'electron-builder.yml',
};

/**
 * Test files that mirror nothing yet, each with the path it should get. Each one's mirrored name
 * is in another folder (the CLI's command tests go to test/cli/commands/), so moving it means
 * fixing its relative imports too: move one (git mv) and delete its line here. The check fails on
 * a line whose file mirrors now or is gone, so the list only shrinks.
 */
const NOT_YET_MIRRORED: Record<string, string> = {};

function testFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? testFiles(rel) : e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The source a test file mirrors (relative to the repository), or null. */
function mirrorOf(testFile: string): string | null {
  const area = Object.keys(MIRRORS).find((a) => testFile.startsWith(`${a}/`));
  if (!area) return null;
  const rel = testFile.slice(area.length + 1);
  const dir = path.posix.dirname(rel);
  const stem = path.posix.basename(rel).split('.')[0]!;
  for (const src of MIRRORS[area]!) {
    const folder = path.posix.join(src, dir);
    const candidates = [`${folder}/${stem}.ts`, `${folder}/${stem}.svelte.ts`, `${folder}/${stem}.svelte`];
    const file = candidates.find((c) => existsSync(path.join(root, c)));
    if (file) return file;
    if (isDir(path.join(root, folder, stem))) return `${folder}/${stem}/`;
    if (path.posix.basename(folder) === stem && isDir(path.join(root, folder))) return `${folder}/`;
  }
  return null;
}

const all = Object.keys(MIRRORS).flatMap(testFiles);

describe('test layout', () => {
  it('finds the test files of every mirrored folder', () => {
    // The check means nothing if it looks in the wrong place.
    for (const area of Object.keys(MIRRORS))
      expect(
        all.some((f) => f.startsWith(`${area}/`)),
        area,
      ).toBe(true);
    expect(mirrorOf('test/core/codec/container.test.ts')).toBe('src-main/core/codec/container.ts');
    expect(mirrorOf('test/core/codec/container-v2.fuzz.test.ts')).toBe('src-main/core/codec/container-v2.ts');
    expect(mirrorOf('test/core/catalog/repos.test.ts')).toBe('src-main/core/catalog/repos/');
    expect(mirrorOf('test/core/imaging/imaging.test.ts')).toBe('src-main/core/imaging/');
    expect(mirrorOf('test/renderer/lib/compare.test.ts')).toBe('src-renderer/src/lib/compare.svelte.ts');
    expect(mirrorOf('test/shell/preload.test.ts')).toBe('src-main/preload/');
    expect(mirrorOf('test/core/codec/no-such-source.test.ts')).toBeNull();
  });

  it('every test file mirrors a source file or folder', () => {
    const unmirrored = all.filter((f) => !(f in REPOSITORY_CHECKS) && !(f in NOT_YET_MIRRORED) && mirrorOf(f) === null);
    // A new test is named for the file it tests (x.test.ts, or x.aspect.test.ts), in the mirrored folder.
    expect(unmirrored, `test files that mirror no source file or folder:\n${unmirrored.join('\n')}`).toEqual([]);
  });

  it('the repository checks name what they check, and the not-yet list only shrinks', () => {
    for (const [test, checks] of Object.entries(REPOSITORY_CHECKS)) {
      expect(existsSync(path.join(root, test)), test).toBe(true);
      expect(existsSync(path.join(root, checks)), checks).toBe(true);
    }
    const stale = Object.keys(NOT_YET_MIRRORED).filter((f) => !all.includes(f) || mirrorOf(f) !== null);
    expect(stale, `renamed or gone: delete these lines of NOT_YET_MIRRORED:\n${stale.join('\n')}`).toEqual([]);
  });
});
