// The Train form's "Number of layers" regenerates the widths by the core's rule (dense-widths.ts),
// from the tile the family resolves and the data's channels: what the core would use by default.
import { describe, expect, test } from 'vitest';
import { defaultDenseLayers } from '../../../src-main/core/engine/models/layers/dense-widths';
import type { ModelSummary } from '../../../src-main/core/api';
import { Loadable } from '../../../src-renderer/src/lib/loadable.svelte';
import { TrainForm } from '../../../src-renderer/src/lib/train-form.svelte';
import { PHOTO_LAMBDAS } from '../../../src-main/core/engine/models/hyperprior/meta';
import basePhotoCard from '../../../resources/models/base-photo/card.json';

describe('TrainForm', () => {
  test('a new number of layers gives the core default widths for that many layers', () => {
    const form = new TrainForm();
    // Digits: 28x28 gray, so the dense families read whole 28 px images (784 inputs).
    form.adopt({ channels: 1, maxEdge: 28, typical: { width: 28, height: 28 } });
    form.chooseFamily('dense-prior');
    expect(form.codeSize).toBe(64);
    expect(form.layers).toEqual(defaultDenseLayers(784, 64));

    form.setLayerCount(3);
    // Geometric from 784 towards the code, multiples of 8, never under twice the code.
    expect(form.layers).toEqual([416, 224, 128]);
    expect(form.layers).toEqual(defaultDenseLayers(784, 64, 3));
    expect(form.layerCount).toBe(3);
    expect(form.pristine).toBe(false);

    form.codeSize = 32;
    form.setLayerCount(1);
    expect(form.layers).toEqual(defaultDenseLayers(784, 32, 1));
  });
});

describe('TrainForm.follow', () => {
  const model = (id: string, builtin: boolean): ModelSummary => ({
    id,
    name: id,
    arch: 'hyperprior',
    datasetId: null,
    dataset: null,
    weightsHash: id,
    createdAt: '2026-01-01T00:00:00Z',
    bytes: 1,
    latentFiles: 0,
    card: {},
    builtin,
  });

  test('takes the built-in models loaded before and each list loaded later, until unsubscribed', async () => {
    let models = [model('mine', false), model('base-a', true)];
    const list = new Loadable<ModelSummary[]>(() => Promise.resolve(models));
    await list.load();
    const form = new TrainForm();
    const stop = form.follow(list);
    expect(form.builtins.map((m) => m.id)).toEqual(['base-a']);

    models = [...models, model('base-b', true)];
    await list.load();
    expect(form.builtins.map((m) => m.id)).toEqual(['base-a', 'base-b']);

    // Once the view is gone its form is left alone (checked after the load has answered).
    stop();
    models = [model('base-c', true)];
    await list.load();
    expect(list.value!.map((m) => m.id)).toEqual(['base-c']);
    expect(form.builtins.map((m) => m.id)).toEqual(['base-a', 'base-b']);
  });
});

describe('TrainForm on photos', () => {
  test("starts from base-photo with the core's photo defaults: 256 px crops, 4 a step, the photo rate points", () => {
    const base: ModelSummary = {
      id: 'base-photo',
      name: 'Base · photos (hyperprior)',
      arch: 'hyperprior',
      datasetId: null,
      dataset: null,
      weightsHash: 'x',
      createdAt: '2026-01-01T00:00:00Z',
      bytes: 1,
      latentFiles: 0,
      card: basePhotoCard as unknown as Record<string, unknown>,
      builtin: true,
    };
    const form = new TrainForm();
    form.useModels([base]);
    form.adopt({ channels: 3, maxEdge: 720, typical: { width: 720, height: 360 } });
    expect(form.family).toBe('hyperprior');
    expect(form.base?.id).toBe('base-photo');
    // The base was trained at other rate points; the form sends the family's, as the CLI trains.
    expect((basePhotoCard.hyper as { lambdas: number[] }).lambdas).not.toEqual(PHOTO_LAMBDAS);
    const req = form.request('landscapes');
    expect(req).toMatchObject({ lambdas: PHOTO_LAMBDAS, tile: 256, batchSize: 4, channels: 64, codeChannels: 96 });
  });
});
