// Cuts OpenCV's digit sheet into one 20x20 grayscale PNG per digit (5000 by default), the digits
// data set docs/results.md evaluates on. Run:
//   node bin/run-ts.js scripts/cut-digits.ts OUT_DIR [sheet.png]
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const out = process.argv[2];
const sheet = process.argv[3] ?? path.resolve(import.meta.dirname, '../../shared/data/A_digits_opencv_20x20/digits.png');
if (!out) {
  console.error('usage: node bin/run-ts.js scripts/cut-digits.ts OUT_DIR [sheet.png]');
  process.exit(1);
}
const CELL = 20;
const { data, info } = await sharp(sheet).toColourspace('b-w').extractChannel(0).raw().toBuffer({ resolveWithObject: true });
if (info.width !== 2000 || info.height !== 1000) throw new Error(`${sheet}: expected a 2000x1000 sheet, got ${info.width}x${info.height}`);
await mkdir(out, { recursive: true });
let n = 0;
for (let row = 0; row < 50; row++) {
  for (let col = 0; col < 100; col++) {
    const cell = Buffer.alloc(CELL * CELL);
    for (let y = 0; y < CELL; y++)
      data.copy(cell, y * CELL, (row * CELL + y) * info.width + col * CELL, (row * CELL + y) * info.width + col * CELL + CELL);
    const name = `d${Math.floor(row / 5)}-r${row}-c${col}.png`;
    await sharp(cell, { raw: { width: CELL, height: CELL, channels: 1 } })
      .png({ compressionLevel: 9 })
      .toFile(path.join(out, name));
    n++;
  }
}
console.log(`wrote ${n} digits to ${out}`);
