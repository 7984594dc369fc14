// The quality slider's product requirement: a higher quality never gives fewer bytes (per image)
// nor a lower mean PSNR. Checked on a small model the studio's own trainer trained on landscape
// crops (test/fixtures/learned-quality, made by scripts/dev/quality-fixture.ts; a model trained
// for a few steps inside a test is not yet ordered), over the landscape and photo fixtures.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { loadLearnedDir, type LoadedLearned } from '../../../../src-main/core/engine/learned-io.js';
import { readCard } from '../../../../src-main/core/engine/model-io.js';
import { readImage, type RawImage } from '../../../../src-main/core/imaging/index.js';
import { psnr } from '../../../../src-main/core/imaging/psnr.js';
import { FIXTURES } from '../../../helpers/engine-fixtures.js';

const QUALITIES = [1, 10, 25, 40, 50, 60, 75, 90, 100];
const MODEL = path.join(FIXTURES, 'learned-quality', 'model');
let model: LoadedLearned;

beforeAll(async () => {
  await chooseBackend();
  model = await loadLearnedDir(MODEL, await readCard(MODEL));
});
afterAll(() => model?.dispose());

function images(): string[] {
  const dirs = [path.join(FIXTURES, 'landscapes-small'), path.join(FIXTURES, 'codec', 'photos')];
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .map((f) => path.join(d, f)),
  );
}

describe('quality is monotone', () => {
  it('bytes per image never fall and mean PSNR never falls as quality rises', async () => {
    const rows: string[] = [];
    const violations: string[] = [];
    const meanPsnr = QUALITIES.map(() => 0);
    const files = images();
    for (const f of files) {
      const raw: RawImage = await readImage(f, { channels: 3 });
      let prev = 0;
      for (const [k, q] of QUALITIES.entries()) {
        const streams = await model.codec.compress(raw, q);
        const bytes = streams.reduce((n, s) => n + s.length, 0);
        const p = psnr(raw, await model.codec.decompress(streams, raw.width, raw.height, q));
        meanPsnr[k]! += p / files.length;
        if (bytes < prev) violations.push(`${path.basename(f)}: q${q} ${bytes} B < q${QUALITIES[k - 1]} ${prev} B`);
        prev = bytes;
        rows.push(`${path.basename(f)} q${q}: ${bytes} B, ${p.toFixed(2)} dB`);
      }
    }
    meanPsnr.forEach((p, k) => {
      if (k > 0 && p < meanPsnr[k - 1]!)
        violations.push(`mean PSNR q${QUALITIES[k]} ${p.toFixed(3)} dB < q${QUALITIES[k - 1]} ${meanPsnr[k - 1]!.toFixed(3)} dB`);
    });
    expect(violations, [...rows, `mean PSNR: ${meanPsnr.map((p) => p.toFixed(3)).join(' ')}`].join('\n')).toEqual([]);
    // The slider spans a real range of rates (the issue asks for at least 4x on a default model;
    // this small fixture model is only asked to move).
    expect(meanPsnr.at(-1)! - meanPsnr[0]!).toBeGreaterThan(0.5);
  }, 120_000);

  it('reconstructions keep their colour: the mean spread between the R, G and B planes is within 20 % of the original', async () => {
    const spread = (img: RawImage) => {
      let s = 0;
      for (let i = 0; i < img.data.length; i += 3)
        s +=
          (Math.abs(img.data[i]! - img.data[i + 1]!) +
            Math.abs(img.data[i + 1]! - img.data[i + 2]!) +
            Math.abs(img.data[i]! - img.data[i + 2]!)) /
          3;
      return s / (img.data.length / 3);
    };
    const rows: string[] = [];
    for (const f of images()) {
      const raw = await readImage(f, { channels: 3 });
      const back = await model.codec.decompress(await model.codec.compress(raw, 75), raw.width, raw.height, 75);
      const [a, b] = [spread(raw), spread(back)];
      rows.push(`${path.basename(f)}: original ${a.toFixed(2)}, decoded ${b.toFixed(2)}`);
      // Colourful images (mean spread over 30 levels) must keep it; the default landscape model
      // keeps it within 16 % on every test photo (docs/results.md), this 600-step fixture on the colourful ones.
      if (a > 30) expect(Math.abs(b / a - 1), rows.join('\n')).toBeLessThanOrEqual(0.2);
    }
  });
});
