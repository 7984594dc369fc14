// The Train view's dataset: the chosen one survives a reload, the default is derived from the list
// (no effect picks it), and the shown dataset's sample feeds the form once, never a stale one.
import { describe, expect, test, vi } from 'vitest';
import type { CatalogImage, DatasetSummary } from '../../../src-main/core/api';
import type { DataFacts } from '../../../src-renderer/src/lib/families';
import { LibraryState } from '../../../src-renderer/src/lib/library.svelte';
import { defaultDataset, LAST_DATASET, TrainDataset } from '../../../src-renderer/src/lib/train-dataset.svelte';
import { deferred, FakeStudio, type Response } from '../fake-studio';

function dataset(id: number, name: string, images: number): DatasetSummary {
  return { id, name, description: '', createdAt: '2026-01-01T00:00:00Z', images, bytes: images * 1000, splits: { train: images, val: 0, test: 0 }, models: 0 };
}

function image(id: number, width: number, height: number, channels: 1 | 3 = 3): CatalogImage {
  return { id, datasetId: 1, path: `/p/${id}.png`, name: `${id}.png`, hash: String(id), width, height, channels, format: 'png', bytes: 5000, split: 'train', addedAt: '2026-01-01T00:00:00Z' };
}

/** localStorage as the page has it (the renderer's tests run in node). */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

/** A Train view's dataset over a real LibraryState fed by the fake studio. */
function trainDataset(fake: FakeStudio, storage = memoryStorage(), chosen = '', running?: string) {
  const library = new LibraryState(fake.client);
  const facts: DataFacts[] = [];
  const ds = new TrainDataset(
    fake.client,
    { datasets: () => library.datasets.value ?? [], running: () => running, storage, onFacts: (f) => facts.push(f) },
    chosen,
  );
  return { library, ds, facts, storage };
}

const listed = (datasets: DatasetSummary[]) => (): Response<'listDatasets'> => ({ datasets });

describe('defaultDataset', () => {
  const list = [dataset(1, 'a-empty', 0), dataset(2, 'b', 10), dataset(3, 'c', 5)];
  test('the running training’s dataset, else the last one chosen, else the first listed with images', () => {
    expect(defaultDataset(list, 'c', 'b')).toBe('c');
    expect(defaultDataset(list, undefined, 'c')).toBe('c');
    // Names no longer listed are passed over.
    expect(defaultDataset(list, 'gone', 'also-gone')).toBe('b');
    expect(defaultDataset(list, undefined, null)).toBe('b');
    expect(defaultDataset([dataset(1, 'x', 0), dataset(2, 'y', 0)], undefined, null)).toBe('x');
    expect(defaultDataset([], 'c', 'b')).toBe('');
  });
});

describe('TrainDataset', () => {
  test('after a reload the dataset picker keeps the chosen dataset, not the first name', async () => {
    const fake = new FakeStudio().handle('listDatasets', listed([dataset(1, 'a', 4), dataset(2, 'b', 4)]));
    const first = trainDataset(fake);
    await first.library.datasets.load();
    expect(first.ds.name).toBe('a');
    first.ds.choose('b');
    expect(first.ds.name).toBe('b');
    expect(first.storage.items.get(LAST_DATASET)).toBe('b');

    // The page reloads: a new view over the same storage, the list loading afresh.
    const again = trainDataset(fake, first.storage);
    expect(again.ds.name).toBe('');
    await again.library.datasets.load();
    expect(again.ds.name).toBe('b');
  });

  test('a default once shown stays the default when a dataset listed before it appears', async () => {
    let datasets = [dataset(2, 'b', 4)];
    const fake = new FakeStudio().handle('listDatasets', () => ({ datasets }));
    const { library, ds, storage } = trainDataset(fake);
    await library.datasets.load();
    expect(ds.name).toBe('b');
    ds.remember();
    datasets = [dataset(1, 'a', 4), ...datasets];
    await library.datasets.load();
    expect(ds.name).toBe('b');
    expect(storage.items.get(LAST_DATASET)).toBe('b');
  });

  test('the link’s dataset wins over the default; with none listed there is no dataset', async () => {
    const fake = new FakeStudio().handle('listDatasets', listed([dataset(1, 'a', 4), dataset(2, 'b', 4)]));
    const linked = trainDataset(fake, memoryStorage(), 'b');
    await linked.library.datasets.load();
    expect(linked.ds.name).toBe('b');
    const running = trainDataset(fake, memoryStorage(), '', 'b');
    expect(running.ds.name).toBe('');
    expect(running.ds.sample).toBeNull();
    await running.library.datasets.load();
    expect(running.ds.name).toBe('b');
  });

  test('the shown dataset is sampled once; its facts reach the form, a stale sample’s never do', async () => {
    const answers = new Map([
      ['a', deferred<Response<'listImages'>>()],
      ['b', deferred<Response<'listImages'>>()],
    ]);
    const fake = new FakeStudio()
      .handle('listDatasets', listed([dataset(1, 'a', 3), dataset(2, 'b', 3)]))
      .handle('listImages', (r) => answers.get(String(r.dataset))!.promise);
    const { library, ds, facts } = trainDataset(fake);
    await library.datasets.load();
    const a = ds.sample!;
    expect(ds.sample).toBe(a);
    expect(a.reading).toBe(true);
    expect(fake.callsOf('listImages')).toEqual([{ dataset: 'a', limit: 200 }]);

    // The user picks b before a's images arrive: a's answer no longer moves the form.
    ds.choose('b');
    const b = ds.sample!;
    expect(b).not.toBe(a);
    answers.get('a')!.resolve({ total: 1, offset: 0, images: [image(1, 640, 480)] });
    await a.done;
    expect(a.reading).toBe(false);
    expect(facts).toEqual([]);

    answers.get('b')!.resolve({ total: 3, offset: 0, images: [image(2, 28, 28, 1), image(3, 30, 20, 1), image(4, 28, 28, 1)] });
    await b.done;
    expect(b.reading).toBe(false);
    expect(b.typical).toEqual({ width: 28, height: 28, channels: 1, meanBytes: 5000, sampled: 3, trainImages: 3 });
    expect(facts).toEqual([{ channels: 1, maxEdge: 30, typical: { width: 28, height: 28 } }]);
    expect(fake.callsOf('listImages')).toHaveLength(2);
  });

  test('a sample that cannot be read says why', async () => {
    const fake = new FakeStudio()
      .handle('listDatasets', listed([dataset(1, 'a', 3)]))
      .handle('listImages', () => Promise.reject(new Error("dataset 'a' is not in the catalog")));
    const { library, ds, facts } = trainDataset(fake);
    await library.datasets.load();
    await ds.sample!.done;
    await vi.waitFor(() => expect(ds.sample!.error).toMatch("dataset 'a' is not in the catalog"));
    expect(ds.sample!.reading).toBe(false);
    expect(facts).toEqual([]);
  });
});
