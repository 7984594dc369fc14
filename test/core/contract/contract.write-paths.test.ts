// Methods that write where the caller says write only files of their own kind (docs/security.md):
// an authenticated caller cannot use exportModel or exportEvaluation to replace ~/.bashrc.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { Studio } from '../../../src-main/core/studio.js';
import { writeModelFolder } from '../catalog/catalog-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('write paths', () => {
  it('exportModel writes a .lsmodel file and nothing else', async () => {
    const cat = getCatalog(studio.context);
    const d = cat.datasets.ensure('digits');
    const m = writeModelFolder(studio.home.modelsDir, 'digits-dense-16', 1024);
    cat.models.add({ id: m.id, name: 'Digits', datasetId: d.id, arch: 'dense', dir: m.dir, weightsHash: m.weightsHash, card: m.card });
    const bashrc = path.join(tmp.dir, '.bashrc');
    await expect(studio.call('exportModel', { id: m.id, path: bashrc, overwrite: true })).rejects.toThrow(
      `${bashrc}: a model is exported to a .lsmodel file`,
    );
    expect(existsSync(bashrc)).toBe(false);
    const ok = path.join(tmp.dir, 'Digits.LSMODEL');
    expect((await studio.call('exportModel', { id: m.id, path: ok })).path).toBe(ok);
  });

  it('exportEvaluation writes .json or .csv to match its format', async () => {
    await expect(studio.call('exportEvaluation', { id: 1, format: 'csv', path: path.join(tmp.dir, '.profile') })).rejects.toThrow(
      'CSV is written to a .csv file',
    );
    await expect(studio.call('exportEvaluation', { id: 1, format: 'json', path: path.join(tmp.dir, 'r.csv') })).rejects.toThrow(
      'JSON is written to a .json file',
    );
  });
});
