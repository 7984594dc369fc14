// The train form's "before training" figures against what happens: on the built-in sample and
// on a photo fixture, the default training (fine-tuned from the built-in base) takes the time the
// estimate says and its real .latent files at the lowest and highest quality have the sizes it
// says, each within 2x.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFileBytes, expectedTrainSeconds } from '../../../src-main/core/engine/train-estimate.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { runCli } from '../run-cli.js';
import type { ModelCard } from '../../../src-main/core/engine/model-card.js';
import { familyMeta } from '../../../src-main/core/engine/models/families.js';
import { FINE_TUNE_RATE_FACTOR } from '../../../src-main/core/engine/models/family-meta.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => {
  tmp = makeTmpDir('ls-estimate-');
});
afterAll(() => tmp?.cleanup());

// Long enough that the fixed start-up cost (a second on a quiet machine, more under load) is not the whole run.
const MINUTES = 0.25;
const root = path.resolve(import.meta.dirname, '../../..');

function within2x(actual: number, expected: number): void {
  expect(actual / expected, `actual ${actual} against estimate ${expected}`).toBeGreaterThanOrEqual(0.5);
  expect(actual / expected, `actual ${actual} against estimate ${expected}`).toBeLessThanOrEqual(2);
}

async function meanBytes(home: string, model: string, files: string[], quality: number, out: string): Promise<number> {
  const c = await runCli(home, '--json', 'compress', '--model', model, ...files, '--out', out, '--quality', String(quality));
  expect(c.code, c.stderr).toBe(0);
  const sizes = readdirSync(out)
    .filter((f) => f.endsWith('.latent'))
    .map((f) => statSync(path.join(out, f)).size);
  expect(sizes).toHaveLength(files.length);
  return sizes.reduce((a, b) => a + b, 0) / sizes.length;
}

describe('training estimates against real trainings and real files', () => {
  it.each([
    {
      name: 'sample',
      src: path.join(root, 'resources/sample/digits'),
      width: 20,
      height: 20,
      base: 'base-small',
      rate: FINE_TUNE_RATE_FACTOR.small,
    },
    {
      name: 'photos',
      src: path.join(FIXTURES, 'landscapes-small'),
      width: 180,
      height: 90,
      base: 'base-photo',
      rate: FINE_TUNE_RATE_FACTOR.photo,
    },
  ])(
    '$name: time and file size within 2x; the fine-tune rate of its image size',
    async ({ name, src, width, height, base, rate }) => {
      const home = path.join(tmp.dir, name);
      expect((await runCli(home, 'import', src, '--dataset', name)).code).toBe(0);
      const t0 = performance.now();
      const t = await runCli(home, '--json', 'train', '--dataset', name, '--minutes', String(MINUTES), '--workers', '1', '--no-verdict');
      const seconds = (performance.now() - t0) / 1000;
      expect(t.code, t.stderr).toBe(0);
      const trained = JSON.parse(t.stdout) as { model: string; startedFrom: { id: string } | null };
      expect(trained.startedFrom?.id).toBe(base);
      within2x(seconds, expectedTrainSeconds({ minutes: MINUTES, batchSize: 1, pixelsPerSample: 1, macPerPixel: 1 })!);

      const card = JSON.parse(readFileSync(path.join(root, 'resources/models', base, 'card.json'), 'utf8')) as {
        rd: { bpp: number }[];
        arch: string;
      };
      const own = (JSON.parse((await runCli(home, '--json', 'models', 'show', trained.model)).stdout) as { card: ModelCard }).card;
      expect(own.training.learningRate).toBeCloseTo(familyMeta(card.arch)!.defaultLearningRate * rate, 12);
      const est = expectedFileBytes(card.rd, width, height, base)!;
      const files = readdirSync(src)
        .filter((f) => /\.(png|jpg)$/.test(f))
        .slice(0, 12)
        .map((f) => path.join(src, f));
      within2x(await meanBytes(home, trained.model, files, 1, path.join(tmp.dir, `${name}-q1`)), est.low);
      within2x(await meanBytes(home, trained.model, files, 100, path.join(tmp.dir, `${name}-q100`)), est.high);
    },
    240_000,
  );
});
