// The model resolver (engine/model-resolver.ts, engine/open-model.ts): a catalog id becomes a ref,
// a ref opens under the catalog's id whatever its folder's card says, other weights than promised
// are refused in one line, and a measured finest step reaches a v1 model's card.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { resolveModel } from '../../../src-main/core/engine/model-resolver.js';
import { openModel, WrongWeights } from '../../../src-main/core/engine/open-model.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { trainTinyModel, type TinyModel } from '../codec/tiny-model.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let model: TinyModel;

beforeAll(async () => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  // The folder's card says 'folder-id'; the catalog knows the model as 'catalog-id'.
  model = await trainTinyModel('dense-digits', studio.home.modelsDir, 'folder-id', 2);
  getCatalog(studio.context).models.add({
    id: 'catalog-id',
    name: 'resolver model',
    datasetId: null,
    arch: 'dense',
    dir: model.dir,
    weightsHash: model.weightsHash,
    card: model.model.card,
  });
});

afterAll(async () => {
  model?.model.dispose();
  await studio?.close();
  tmp?.cleanup();
});

describe('model resolver', () => {
  it('resolves a catalog id to a ref with its calibration source, and refuses an unknown one in one line', () => {
    const { rec, ref } = resolveModel(studio.context, 'catalog-id');
    expect(rec.dir).toBe(model.dir);
    expect(ref).toEqual({
      id: 'catalog-id',
      dir: model.dir,
      calibration: { file: path.join(studio.home.root, 'cache', 'codec', 'catalog-id.calibration.json'), samples: [] },
    });
    expect(() => resolveModel(studio.context, 'nope')).toThrow(/^model nope is not in the catalog \(see latent-studio models\)$/);
  });

  it('opens a ref under the catalog id, with a finest step given, and refuses other weights', async () => {
    const { ref } = resolveModel(studio.context, 'catalog-id');
    const m = await openModel(ref, { weightsHash: model.weightsHash, finestStep: 0.25 });
    try {
      expect(m.id).toBe('catalog-id');
      expect(m.card.id).toBe('folder-id');
      expect((m.card as { finestStep?: number }).finestStep).toBe(0.25);
      expect(m.weightsHash).toBe(model.weightsHash);
      // The same weights code the same way under either id.
      const img = { data: new Uint8Array(400).fill(90), width: 20, height: 20, channels: 1 as const };
      expect(Array.from((await m.encode(img)).data)).toEqual(Array.from((await model.model.encode(img)).data));
    } finally {
      m.dispose();
    }
    const wrong = 'f'.repeat(64);
    const refused = openModel(ref, { weightsHash: wrong });
    await expect(refused).rejects.toBeInstanceOf(WrongWeights);
    await expect(refused).rejects.toThrow(
      `model catalog-id: the weights fetched have hash ${model.weightsHash.slice(0, 12)}, not the job's ${wrong.slice(0, 12)}`,
    );
  });
});
