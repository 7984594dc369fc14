// Registering the shipped base models in a real catalog file: a fresh catalog gets them read-only
// (builtin, no dataset), reopening does not duplicate them, a moved install or re-shipped weights
// update the record, folders without a valid card are ignored, and the repository refuses removal.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncBaseModels } from '../../../src-main/core/catalog/base-models.js';
import { openCatalog } from '../../../src-main/core/catalog/index.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => {
  tmp = makeTmpDir('ls-base-sync-');
});
afterEach(() => tmp.cleanup());

function ship(root: string, id: string, hash: string, extra: Record<string, unknown> = {}): string {
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'card.json'),
    JSON.stringify({ id, name: `Base ${id}`, arch: 'factorized', channels: 1, weightsHash: hash, ...extra }),
  );
  writeFileSync(path.join(dir, 'params.bin'), Buffer.alloc(16));
  return dir;
}

describe('syncBaseModels', () => {
  it('registers, keeps, follows and refreshes the shipped bases', () => {
    const res = path.join(tmp.dir, 'resources-a');
    const dir = ship(res, 'base-one', 'a'.repeat(64));
    mkdirSync(path.join(res, 'not-a-model'));
    ship(res, 'base-bad', 'not-a-hash');
    const file = path.join(tmp.dir, 'catalog.sqlite');
    let c = openCatalog(file);
    expect(syncBaseModels(c, res)).toEqual(['base-one']);
    expect(c.models.list()).toEqual([
      expect.objectContaining({ id: 'base-one', builtin: true, datasetId: null, dir, weightsHash: 'a'.repeat(64) }),
    ]);
    expect(() => c.models.remove('base-one')).toThrow(/built-in base model and cannot be deleted/);
    c.close();

    // Reopened: nothing new. Moved install: the record follows. Re-shipped weights: hash and card follow.
    c = openCatalog(file);
    expect(syncBaseModels(c, res)).toEqual([]);
    const moved = path.join(tmp.dir, 'resources-b');
    cpSync(res, moved, { recursive: true });
    syncBaseModels(c, moved);
    expect(c.models.get('base-one')?.dir).toBe(path.join(moved, 'base-one'));
    ship(moved, 'base-one', 'b'.repeat(64), { channels: 3 });
    syncBaseModels(c, moved);
    const rec = c.models.get('base-one')!;
    expect(rec.weightsHash).toBe('b'.repeat(64));
    expect(rec.card.channels).toBe(3);
    expect(c.models.list()).toHaveLength(1);
    expect(c.db.pragma('integrity_check', { simple: true })).toBe('ok');
    c.close();
  });
});
