// Where a training starts, against the shipped bases in a real catalog: a photo fine-tune of
// base-photo trains at the photo family's rate points (not the base's), the request's own rate
// points win, and a count that does not fit is refused; the small-image base keeps its own.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../src-main/core/catalog/index.js';
import { syncBaseModels } from '../../../src-main/core/catalog/base-models.js';
import type { TrainRequest } from '../../../src-main/core/contract/engine.js';
import type { Hyper } from '../../../src-main/core/engine/model-card.js';
import { factorizedMeta } from '../../../src-main/core/engine/models/factorized/meta.js';
import type { DataFacts, FamilyMeta } from '../../../src-main/core/engine/models/family-meta.js';
import { hyperpriorMeta, PHOTO_LAMBDAS } from '../../../src-main/core/engine/models/hyperprior/meta.js';
import { chooseStart } from '../../../src-main/core/engine/train-start.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const root = path.resolve(import.meta.dirname, '../../..');
const landscapes = { channels: 3 as const, maxEdge: 720, typical: { width: 720, height: 360 } };
let tmp: ReturnType<typeof makeTmpDir>;
let catalog: Catalog;

beforeAll(() => {
  tmp = makeTmpDir('ls-start-');
  catalog = openCatalog(path.join(tmp.dir, 'catalog.sqlite'));
  syncBaseModels(catalog, path.join(root, 'resources', 'models'));
});
afterAll(() => {
  catalog?.close();
  tmp?.cleanup();
});

function start(req: Partial<TrainRequest>, meta: FamilyMeta = hyperpriorMeta as unknown as FamilyMeta, facts: DataFacts = landscapes) {
  const planned = meta.hyper(req, facts) as unknown as Hyper;
  return chooseStart({ dataset: 'd', ...req } as TrainRequest, catalog, meta, facts.channels, planned);
}

describe('chooseStart', () => {
  it("a photo fine-tune of base-photo trains at the family's rate points, on the data's crops", () => {
    const base = catalog.models.get('base-photo')!;
    const baseLambdas = (base.card as { hyper: { lambdas: number[] } }).hyper.lambdas;
    expect(baseLambdas).not.toEqual(PHOTO_LAMBDAS);
    const s = start({});
    expect(s.from?.id).toBe('base-photo');
    expect(s.hyper).toMatchObject({ arch: 'hyperprior', n: 64, m: 96, lambdas: PHOTO_LAMBDAS, crop: 256 });
  });

  it("the request's rate points win; another count does not fit the base", () => {
    expect(start({ lambdas: [0.001, 0.004, 0.01, 0.04] }).hyper).toMatchObject({ lambdas: [0.001, 0.004, 0.01, 0.04] });
    const three = start({ lambdas: [0.001, 0.01, 0.04] });
    expect(three.from).toBeUndefined();
    expect(three.note).toMatch(/from scratch: the built-in base .* has other shapes/);
  });

  it("the small-image base keeps its own rate points (its family follows the start model's)", () => {
    const digits = { channels: 1 as const, maxEdge: 28, typical: { width: 28, height: 28 } };
    const s = start({}, factorizedMeta as unknown as FamilyMeta, digits);
    expect(s.from?.id).toBe('base-small');
    const own = (catalog.models.get('base-small')!.card as { hyper: { lambdas: number[] } }).hyper.lambdas;
    expect((s.hyper as { lambdas: number[] }).lambdas).toEqual(own);
  });
});
