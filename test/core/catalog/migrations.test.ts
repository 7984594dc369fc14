import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate, openCatalog } from '../../../src-main/core/catalog/index.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir('ls-catalog-')));
afterEach(() => tmp.cleanup());

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('catalog schema', () => {
  it('opens in WAL mode with foreign keys on and a busy timeout, every migration recorded', () => {
    const catalog = openCatalog(path.join(tmp.dir, 'catalog.sqlite'));
    try {
      expect(catalog.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(catalog.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(catalog.db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
      const applied = catalog.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(catalog.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(tables(catalog.db)).toEqual(
        expect.arrayContaining([
          'datasets',
          'images',
          'models',
          'training_runs',
          'run_epochs',
          'latent_files',
          'evaluations',
          'jobs',
          'job_items',
        ]),
      );
      expect(catalog.integrityCheck()).toBe('ok');
    } finally {
      catalog.close();
    }
  });

  it('migration 5 lets models of every registered family in, keeps the old models and their references, and finds v2 files by tag', () => {
    const file = path.join(tmp.dir, 'v4.sqlite');
    const old = new Database(file);
    expect(migrate(old, file, 4)).toEqual({ from: 0, to: 4 });
    old
      .prepare(
        "INSERT INTO models (id, name, dataset_id, arch, dir, weights_hash, card, created_at) VALUES ('old', 'o', NULL, 'dense', '/m', 'ab12', '{}', '2024')",
      )
      .run();
    old.prepare("INSERT INTO training_runs (model_id, params, state, started_at) VALUES ('old', '{}', 'done', '2024')").run();
    expect(() =>
      old
        .prepare(
          "INSERT INTO models (id, name, dataset_id, arch, dir, weights_hash, card, created_at) VALUES ('x', 'x', NULL, 'factorized', '/m', 'h', '{}', '2024')",
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    old.close();

    const catalog = openCatalog(file);
    try {
      expect(catalog.models.get('old')).toMatchObject({ arch: 'dense', weightsHash: 'ab12' });
      expect((catalog.db.prepare('SELECT model_id FROM training_runs').get() as { model_id: string }).model_id).toBe('old');
      catalog.models.add({
        id: 'm2',
        name: 'm',
        datasetId: null,
        arch: 'hyperprior',
        dir: '/m2',
        weightsHash: '0123456789abcdef00',
        card: {},
      });
      expect(catalog.models.get('m2')!.arch).toBe('hyperprior');
      expect(catalog.models.get('tag:0123456789ab')!.id).toBe('m2');
      expect(catalog.models.get('tag:0123456789ac')).toBeUndefined();
      expect(catalog.integrityCheck()).toBe('ok');
    } finally {
      catalog.close();
    }
  });

  it('upgrades a database made by the first migration to the latest, keeping its data', () => {
    const file = path.join(tmp.dir, 'old.sqlite');
    const old = new Database(file);
    expect(migrate(old, file, 1)).toEqual({ from: 0, to: 1 });
    expect(tables(old)).not.toContain('models');
    old.prepare("INSERT INTO datasets (name, description, created_at) VALUES ('digits', 'old one', '2024-01-01T00:00:00.000Z')").run();
    old
      .prepare(
        "INSERT INTO images (dataset_id, path, hash, width, height, channels, format, bytes, split, added_at) VALUES (1, '/x/a.png', 'abcd', 20, 20, 1, 'png', 300, 'train', '2024-01-01')",
      )
      .run();
    old.close();

    const catalog = openCatalog(file);
    try {
      expect(catalog.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect((catalog.db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(LATEST_VERSION);
      const d = catalog.datasets.byName('digits')!;
      expect(d.description).toBe('old one');
      expect(catalog.images.forDataset(d.id)).toMatchObject([{ path: '/x/a.png', channels: 1, split: 'train' }]);
      // Tables from the later migrations work against the old rows.
      catalog.models.add({
        id: 'm1',
        name: 'm',
        datasetId: d.id,
        arch: 'dense',
        dir: path.join(tmp.dir, 'none'),
        weightsHash: 'h',
        card: {},
      });
      expect(
        catalog.latents.add({
          sourcePath: '/x/a.png',
          modelId: 'm1',
          quality: 50,
          bytes: 40,
          bpp: 0.8,
          psnr: 30,
          outputPath: '/o/a.latent',
        }),
      ).toBe(1);
      expect(catalog.latents.get(1)!.imageId).toBe(1);
      expect(catalog.integrityCheck()).toBe('ok');
    } finally {
      catalog.close();
    }
    // Opening again applies nothing.
    const again = openCatalog(file);
    expect(migrate(again.db, file)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    again.close();
  });

  it('refuses a catalog from a newer version of the app, naming the file', () => {
    const file = path.join(tmp.dir, 'new.sqlite');
    openCatalog(file).close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')").run();
    db.close();
    expect(() => openCatalog(file)).toThrow(
      `${file}: catalog schema version 99 is newer than this Latent Studio understands (${LATEST_VERSION})`,
    );
  });

  it('reports a file that is not a database in one line', () => {
    const file = path.join(tmp.dir, 'catalog.sqlite');
    writeFileSync(file, 'x'.repeat(5000));
    expect(() => openCatalog(file)).toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot open the catalog \\(file is not a database\\)$`),
    );
  });

  it('enforces foreign keys', () => {
    const catalog = openCatalog(path.join(tmp.dir, 'catalog.sqlite'));
    try {
      expect(() =>
        catalog.images.add({
          datasetId: 42,
          path: '/a',
          hash: 'h',
          width: 1,
          height: 1,
          channels: 3,
          format: 'png',
          bytes: 1,
          split: 'train',
        }),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      catalog.close();
    }
  });
});
