import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main.js';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { studioHome } from '../../../src-main/core/system/home.js';
import { LANDSCAPES, writeBadFiles, writeModelFolder } from '../../core/catalog/catalog-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { sink } from '../../helpers/text-sink.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir('ls-cli-catalog-')));
afterEach(() => tmp.cleanup());

async function run(...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', path.join(tmp.dir, 'home'), ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cli import', () => {
  it('prints the import contract as one JSON document and exits 0 when every file imported', async () => {
    const r = await run('--json', 'import', LANDSCAPES, '--dataset', 'landscapes');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ dataset: 'landscapes', added: 6, skipped: 0, failed: [] });
    const again = JSON.parse((await run('import', LANDSCAPES, '--dataset', 'landscapes', '--json')).stdout);
    expect(again).toMatchObject({ added: 0, skipped: 6 });
  });

  it('exits 2 and lists each failed file with its reason when some inputs fail', async () => {
    const bad = writeBadFiles(path.join(tmp.dir, 'bad'));
    const r = await run('--json', 'import', LANDSCAPES, bad.empty, bad.text, '--dataset', 'mixed');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.added).toBe(6);
    expect(doc.failed).toEqual([
      { path: bad.empty, error: `${bad.empty}: empty file (0 bytes)` },
      { path: bad.text, error: `${bad.text}: not an image or unsupported format` },
    ]);
    // Nothing brought in is a failure (exit 1, never "done"); the existing dataset stays.
    const text = await run('import', bad.truncated, '--dataset', 'mixed');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('dataset mixed: 0 added, 0 already there, 1 failed');
    expect(text.stdout).toContain(`failed: ${bad.truncated}: corrupt or truncated image`);
    expect(text.stdout).toContain('nothing imported: the one file failed');
    expect(text.stdout).not.toContain('was not created');

    // Into a new dataset: an empty folder, only bad files, or a path that does not exist leave no dataset behind.
    const emptyDir = path.join(path.dirname(bad.text), 'empty-folder');
    mkdirSync(emptyDir, { recursive: true });
    for (const [paths, why] of [
      [[emptyDir], 'no image files in the given paths'],
      [[bad.text, bad.empty], 'all 2 files failed'],
      [[path.join(emptyDir, 'missing.png')], 'the one file failed'],
    ] as const) {
      const r = await run('import', ...paths, '--dataset', 'junk');
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain(`nothing imported: ${why}`);
      expect(r.stdout).toContain('dataset junk was not created');
      expect((await run('datasets')).stdout).not.toMatch(/^junk\b/m);
    }
  });

  it('gives one-line usage errors', async () => {
    // Without --dataset: the studio's default name (input/dataset-name.ts), the folder's.
    const named = await run('import', LANDSCAPES);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toMatch(new RegExp(`^dataset ${path.basename(LANDSCAPES)}: 6 added`));
    const noPaths = await run('import', '--dataset', 'x');
    expect(noPaths).toMatchObject({ code: 1, stderr: 'latent-studio: import needs at least one file or folder\n' });
    const unknownJob = await run('import', '--resume', '77');
    expect(unknownJob).toMatchObject({ code: 1, stderr: 'latent-studio: job 77 is not in the catalog\n' });
  });
});

describe('cli datasets and models', () => {
  it('lists datasets human-readable and as JSON, shows and deletes one', async () => {
    expect((await run('datasets')).stdout).toContain('no datasets yet');
    await run('import', LANDSCAPES, '--dataset', 'landscapes');
    const text = await run('datasets');
    expect(text.stdout).toMatch(/^name\s+images\s+train\/val\/test\s+size\s+models\s+created\n/);
    expect(text.stdout).toMatch(/^landscapes\s+6\s+\d+\/\d+\/\d+\s+\d+(\.\d)? KB\s+0\s/m);
    const json = JSON.parse((await run('--json', 'datasets')).stdout);
    expect(json.datasets).toMatchObject([{ name: 'landscapes', images: 6, models: 0 }]);
    expect((await run('datasets', 'show', 'landscapes')).stdout).toContain('6 images');

    const dry = await run('datasets', 'delete', 'landscapes', '--dry-run');
    expect(dry.stdout).toContain('dry run, nothing deleted');
    expect(dry.stdout).toContain('6 image record(s)');
    expect(JSON.parse((await run('--json', 'datasets')).stdout).datasets).toHaveLength(1);
    expect((await run('datasets', 'delete', 'landscapes')).stdout).toContain('deleted dataset landscapes');
    expect(JSON.parse((await run('--json', 'datasets')).stdout).datasets).toEqual([]);
    expect(await run('datasets', 'delete', 'landscapes')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("dataset 'landscapes' is not in the catalog"),
    });
  });

  it('lists models and moves one between studios as an .lsmodel file', async () => {
    expect((await run('models')).stdout).toContain('no models of your own yet');
    const home = studioHome(path.join(tmp.dir, 'home'));
    const folder = writeModelFolder(home.modelsDir, 'faces-conv-8');
    const catalog = openCatalog(home.catalogFile);
    catalog.models.add({
      id: folder.id,
      name: 'Faces',
      datasetId: null,
      arch: 'conv',
      dir: folder.dir,
      weightsHash: folder.weightsHash,
      card: folder.card,
    });
    catalog.close();

    expect((await run('models')).stdout).toMatch(/^faces-conv-8\s+Faces\s+conv\s+-\s+\d+(\.\d)? KB\s+0\s/m);
    const listed = (JSON.parse((await run('--json', 'models')).stdout) as { models: { builtin: boolean }[] }).models;
    expect(listed.filter((m) => !m.builtin)).toMatchObject([{ id: 'faces-conv-8', arch: 'conv', weightsHash: folder.weightsHash }]);

    const file = path.join(tmp.dir, 'faces.lsmodel');
    const exported = JSON.parse((await run('--json', 'models', 'export', 'faces-conv-8', file)).stdout);
    expect(exported).toMatchObject({ model: 'faces-conv-8', path: file, files: 3 });

    const other = path.join(tmp.dir, 'other');
    const stdout = sink();
    const code = await main(['--home', other, '--json', 'models', 'import', file], { stdout, stderr: sink(), env: {} });
    expect(code).toBe(0);
    expect(JSON.parse(stdout.text())).toMatchObject({
      alreadyPresent: false,
      model: { id: 'faces-conv-8', weightsHash: folder.weightsHash },
    });

    expect((await run('models', 'delete', 'faces-conv-8', '--dry-run')).stdout).toContain('0 latent file(s) need it');
    expect((await run('models', 'delete', 'faces-conv-8')).stdout).toContain('deleted model faces-conv-8');
    expect(await run('models', 'frobnicate')).toMatchObject({ code: 1, stderr: expect.stringContaining("unknown action 'frobnicate'") });
  });
});
