// A v1 model's calibration is made once from its sample images, cached per weights, and read back
// from the cache; the committed format-1 dense model has none on its card, so it is calibrated here.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_STEPS, withFinestStep } from '../../../src-main/core/codec/calibrate.js';
import { compressImage } from '../../../src-main/core/codec/compress.js';
import { calibratedModel } from '../../../src-main/core/codec-files/calibration-cache.js';
import { prepareFile } from '../../../src-main/core/codec-files/prepare-file.js';
import { loadModel, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { V1_DIR } from '../codec/bombs.js';
import { DIGITS } from '../codec/tiny-model.js';

let tmp: ReturnType<typeof makeTmpDir>;
let v1: LoadedModel;

beforeAll(async () => {
  tmp = makeTmpDir('ls-calibration-');
  v1 = await loadModel(path.join(V1_DIR, 'model'));
});

afterAll(() => {
  v1?.dispose();
  tmp?.cleanup();
});

describe('the calibration cache', () => {
  it('caches the calibration per model weights and uses it for the quality mapping', async () => {
    expect('finestStep' in v1.card).toBe(false);
    const file = path.join(tmp.dir, 'cache', `${v1.id}.calibration.json`);
    // An unreadable sample is skipped; the others calibrate.
    const m1 = await calibratedModel(v1, { file, samples: [path.join(tmp.dir, 'missing.png'), ...DIGITS.slice(0, 8)] });
    const finest = m1.card.finestStep!;
    expect(CALIBRATION_STEPS).toContain(finest);
    const cached = JSON.parse(readFileSync(file, 'utf8')) as { weightsHash: string; finestStep: number };
    expect(cached).toMatchObject({ weightsHash: v1.weightsHash, finestStep: finest });
    // From the cache alone (no samples), and only for the same weights.
    expect((await calibratedModel(v1, { file, samples: [] })).card.finestStep).toBe(finest);
    writeFileSync(file, JSON.stringify({ ...cached, weightsHash: 'other' }));
    expect((await calibratedModel(v1, { file, samples: [] })).card.finestStep).toBeUndefined();
    const img = await prepareFile(m1, DIGITS[9]!);
    expect((await compressImage(m1, img, { quality: 100 })).step).toBe(finest);
  });

  it('leaves a model without a source, or with a step on its card, as it is', async () => {
    expect(await calibratedModel(v1, undefined)).toBe(v1);
    const carded = withFinestStep(v1, CALIBRATION_STEPS[2]!);
    expect(await calibratedModel(carded, { file: path.join(tmp.dir, 'none.json'), samples: DIGITS })).toBe(carded);
  });
});
