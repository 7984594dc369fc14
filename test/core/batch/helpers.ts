// Shared setup for batch tests: a studio on a temp home with a tiny real model (the engine's own
// training, a few epochs on the committed digit fixtures) in its catalog, and folders of images.
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { Studio } from '../../../src-main/core/studio.js';
import { DIGITS, trainTinyModel, type TinyModel } from '../codec/tiny-model.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

export { DIGITS };

export interface BatchFixture {
  tmp: ReturnType<typeof makeTmpDir>;
  studio: Studio;
  model: TinyModel;
  close(): Promise<void>;
}

export async function studioWithModel(id = 'batch-digits'): Promise<BatchFixture> {
  const tmp = makeTmpDir('ls-batch-');
  const studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  const model = await trainTinyModel('dense-digits', studio.home.modelsDir, id, 3);
  getCatalog(studio.context).models.add({
    id: model.id,
    name: id,
    datasetId: null,
    arch: 'dense',
    dir: model.dir,
    weightsHash: model.weightsHash,
    card: model.model.card,
  });
  const fixture: BatchFixture = {
    tmp,
    studio,
    model,
    async close() {
      model.model.dispose();
      // The studio a test put in its place (after a restart) is the one to close.
      await fixture.studio.close();
      tmp.cleanup();
    },
  };
  return fixture;
}

/** A fixed past date given to inputs, so a kept date is told apart from "now". */
export const OLD_DATE = new Date('2020-02-03T04:05:06Z');

/**
 * A nested folder of digit images: root/{a,b/c}/..., plus a hidden file, a hidden folder and a
 * text file, which a walk must skip. Returns the image paths relative to root, in walk order.
 */
export function digitFolder(root: string, perFolder = 3): string[] {
  const layout = ['a', path.join('b', 'c'), '.'];
  const rels: string[] = [];
  let k = 0;
  for (const dir of layout) {
    mkdirSync(path.join(root, dir), { recursive: true });
    for (let i = 0; i < perFolder; i++) {
      const rel = path.join(dir, `digit-${k}.png`);
      copyFileSync(DIGITS[k % DIGITS.length]!, path.join(root, rel));
      utimesSync(path.join(root, rel), OLD_DATE, OLD_DATE);
      rels.push(path.normalize(rel));
      k++;
    }
  }
  mkdirSync(path.join(root, '.hidden'), { recursive: true });
  copyFileSync(DIGITS[0]!, path.join(root, '.hidden', 'secret.png'));
  copyFileSync(DIGITS[1]!, path.join(root, '.dotfile.png'));
  writeFileSync(path.join(root, 'notes.txt'), 'not an image');
  // Walk order: names sorted, files and folders together ("a" < "b" < "digit-...").
  return rels.sort((x, y) => (x.split(path.sep).join('/') < y.split(path.sep).join('/') ? -1 : 1));
}

/** Gray noise images of a given size (big enough that a batch takes a moment). */
export async function noiseImages(dir: string, count: number, width: number, height: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `img-${String(i).padStart(4, '0')}.png`);
    await sharp({
      create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 120 + (i % 7), sigma: 30 } },
    })
      .greyscale()
      .png({ compressionLevel: 1 })
      .toFile(file);
    files.push(file);
  }
  return files;
}
