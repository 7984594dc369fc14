import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { decodeLsModel, encodeLsModel, LSMODEL_MAGIC } from '../../../src-main/core/catalog/lsmodel/format.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { writeModelFolder, type ModelFolder } from './catalog-fixtures.js';

let tmp: ReturnType<typeof makeTmpDir>;
let alice: Studio;
let bob: Studio;
let model: ModelFolder;
let file: string;

beforeEach(async () => {
  tmp = makeTmpDir('ls-lsmodel-');
  alice = new Studio({ homeDir: path.join(tmp.dir, 'alice'), host: 'test' });
  bob = new Studio({ homeDir: path.join(tmp.dir, 'bob'), host: 'test' });
  const a = getCatalog(alice.context);
  const d = a.datasets.ensure('digits');
  model = writeModelFolder(alice.home.modelsDir, 'digits-dense-16', 64 * 1024);
  a.models.add({
    id: model.id,
    name: 'Digits 16',
    datasetId: d.id,
    arch: 'dense',
    dir: model.dir,
    weightsHash: model.weightsHash,
    card: model.card,
  });
  file = path.join(tmp.dir, 'share', 'digits.lsmodel');
  const r = await alice.call('exportModel', { id: model.id, path: file });
  expect(r).toMatchObject({ model: model.id, path: file, files: 3 });
  expect(r.bytes).toBe(readFileSync(file).length);
});
afterEach(async () => {
  await alice.close();
  await bob.close();
  tmp.cleanup();
});

describe('.lsmodel export and import', () => {
  it('carries the weights and the model card to another studio, byte for byte', async () => {
    getCatalog(bob.context).datasets.ensure('digits');
    const r = await bob.call('importModel', { path: file });
    expect(r.alreadyPresent).toBe(false);
    expect(r.model).toMatchObject({
      id: model.id,
      name: 'Digits 16',
      arch: 'dense',
      dataset: 'digits',
      weightsHash: model.weightsHash,
      card: model.card,
    });
    const detail = await bob.call('getModel', { id: model.id });
    expect(detail.dir).toBe(path.join(bob.home.modelsDir, model.id));
    for (const name of ['model.json', 'weights.bin', 'card.json']) {
      expect(readFileSync(path.join(detail.dir, name))).toEqual(readFileSync(path.join(model.dir, name)));
    }
    expect(detail.files.map((f) => f.path)).toEqual(['card.json', 'model.json', 'weights.bin']);
    // Nothing left in the staging area.
    expect(readdirSync(bob.home.tmpDir)).toEqual([]);
    // Importing the same model again writes nothing.
    expect((await bob.call('importModel', { path: file })).alreadyPresent).toBe(true);
  });

  it('refuses a model whose id exists here with different weights', async () => {
    const mine = writeModelFolder(bob.home.modelsDir, model.id);
    getCatalog(bob.context).models.add({
      id: model.id,
      name: 'mine',
      datasetId: null,
      arch: 'dense',
      dir: mine.dir,
      weightsHash: mine.weightsHash,
      card: {},
    });
    await expect(bob.call('importModel', { path: file })).rejects.toThrow(
      `${file}: model ${model.id} is already in the catalog with different weights`,
    );
    expect(readFileSync(path.join(mine.dir, 'weights.bin')).length).toBe(4096);
  });

  it('reports damaged, truncated and foreign files in one line and writes nothing', async () => {
    const bytes = readFileSync(file);
    const cases: [string, Buffer, RegExp][] = [
      [
        'flipped.lsmodel',
        Buffer.from(bytes.map((b, i) => (i === bytes.length - 100 ? b ^ 0xff : b))),
        /weights\.bin does not match its checksum/,
      ],
      ['short.lsmodel', bytes.subarray(0, bytes.length - 10), /truncated \(file data missing\)/],
      ['long.lsmodel', Buffer.concat([bytes, Buffer.from('x')]), /unexpected bytes after the last file/],
      ['photo.lsmodel', Buffer.from('\xff\xd8\xff\xe0 not a model'), /not a \.lsmodel file/],
      ['header.lsmodel', bytes.subarray(0, 20), /truncated \(index runs past the end\)/],
    ];
    for (const [name, buf, why] of cases) {
      const p = path.join(tmp.dir, name);
      writeFileSync(p, buf);
      const err = await bob.call('importModel', { path: p }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(why);
      expect((err as Error).message.startsWith(`${p}: `)).toBe(true);
    }
    expect(readdirSync(bob.home.modelsDir)).toEqual([]);
    // Only the shipped base models: nothing was imported.
    expect((await bob.call('listModels', {})).models.filter((m) => !m.builtin)).toEqual([]);
  });

  it('refuses file paths that would leave the model folder', () => {
    const meta = { model: { id: 'evil', name: 'e', arch: 'dense' as const, weightsHash: 'h', createdAt: 'now', dataset: null }, card: {} };
    for (const bad of ['../outside.bin', '/etc/passwd', 'a/../../b', '.hidden', 'dir\\..\\x']) {
      const buf = encodeLsModel(meta, [{ path: bad, bytes: Buffer.from('x') }]);
      expect(() => decodeLsModel('evil.lsmodel', buf)).toThrow(/evil\.lsmodel: damaged index \(unsafe file path\)/);
    }
    const ok = encodeLsModel(meta, [{ path: 'sub/w.bin', bytes: Buffer.from('xyz') }]);
    expect(ok.subarray(0, 8)).toEqual(LSMODEL_MAGIC);
    expect(decodeLsModel('ok', ok).files[0]!.bytes.toString()).toBe('xyz');
  });

  it('does not overwrite an existing export unless asked', async () => {
    await expect(alice.call('exportModel', { id: model.id, path: file })).rejects.toThrow(`${file}: already exists`);
    expect((await alice.call('exportModel', { id: model.id, path: file, overwrite: true })).path).toBe(file);
    expect(existsSync(file)).toBe(true);
  });
});
