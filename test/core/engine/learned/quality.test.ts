// The quality slider's product requirement: a higher quality never gives fewer bytes (per image)
// nor a lower mean PSNR, for a model with 3 lambdas after a short rate-distortion training on the
// photo crops. The measured table is in the failure message.
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { toBytes, toFloat } from '../../../../src-main/core/engine/pixels.js';
import { trainRateDistortion } from '../../../../src-main/core/engine/train-rd.js';
import { readImage, type RawImage } from '../../../../src-main/core/imaging/index.js';
import { collectingIO } from '../../../helpers/engine-fixtures.js';
import { CASES, implOf, photoFiles, rdOptions, totalBytes } from './learned-fixtures.js';

const QUALITIES = [1, 25, 50, 75, 100];

beforeAll(async () => {
  await chooseBackend();
});

function psnr8(a: RawImage, b: RawImage): number {
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / Math.max(se / a.data.length, 1e-10));
}

describe('quality is monotone', () => {
  it.each(CASES.filter((c) => c.channels === 3))(
    '$name, 3 lambdas, 30 steps on the 4 photo crops: bytes per image and mean PSNR never fall as quality rises',
    async (c) => {
      const files = photoFiles();
      const trained = await trainRateDistortion(
        rdOptions(c, { trainFiles: files, valFiles: files, batchSize: 4, steps: 30, stepsPerEpoch: 30, learningRate: 5e-3, valSamples: 4 }),
        collectingIO(),
      );
      expect(trained.steps).toBe(30);
      const impl = implOf(c);
      const rt = { hyper: c.hyper, channels: c.channels, params: trained.params, tables: trained.tables };
      const rows: string[] = [];
      const violations: string[] = [];
      const meanPsnr = QUALITIES.map(() => 0);
      for (const f of files) {
        const raw = await readImage(f, { channels: 3 });
        const img = toFloat(raw, 3);
        const bytes: number[] = [];
        QUALITIES.forEach((q, k) => {
          const streams = impl.compress(rt, img, q);
          bytes.push(totalBytes(streams));
          const p = psnr8(raw, toBytes(impl.decompress(rt, streams, img.width, img.height, q)));
          meanPsnr[k]! += p / files.length;
          if (k > 0 && bytes[k]! < bytes[k - 1]!)
            violations.push(`${f.split('/').pop()}: q${q} ${bytes[k]} B < q${QUALITIES[k - 1]} ${bytes[k - 1]} B`);
          rows.push(`${f.split('/').pop()} q${q}: ${bytes[k]} B, ${p.toFixed(2)} dB`);
        });
      }
      meanPsnr.forEach((p, k) => {
        if (k > 0 && p < meanPsnr[k - 1]!)
          violations.push(`mean PSNR q${QUALITIES[k]} ${p.toFixed(3)} dB < q${QUALITIES[k - 1]} ${meanPsnr[k - 1]!.toFixed(3)} dB`);
      });
      const val = trained.history.at(-1)!.val.map((v) => `lambda ${v.lambda}: ${v.bpp.toFixed(3)} bpp ${v.psnr.toFixed(2)} dB`);
      trained.params.dispose();
      const table = [...rows, `mean PSNR: ${meanPsnr.map((p) => p.toFixed(3)).join(' ')}`, `validation: ${val.join('; ')}`].join('\n');
      expect(violations, table).toEqual([]);
    },
  );
});
