// Cuts the studio's built-in sample dataset (resources/sample/digits/) out of OpenCV's digit
// sheet: 400 individual 20x20 grayscale PNGs, 40 per class, spread over the sheet's columns so
// one writer's style does not dominate. Run: node bin/run-ts.js scripts/make-sample.ts [sheet]
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(import.meta.dirname, '..');
const sheet = process.argv[2] ?? path.resolve(root, '../shared/data/A_digits_opencv_20x20/digits.png');
const outDir = path.join(root, 'resources/sample/digits');
const CELL = 20;
const ROWS_PER_CLASS = 5; // sheet layout: 100 columns x 50 rows, class = row / 5
const COLUMNS = [0, 12, 24, 36, 48, 60, 72, 84]; // 8 columns x 5 rows = 40 digits per class

async function main(): Promise<void> {
  const meta = await sharp(sheet).metadata();
  if (meta.width !== 2000 || meta.height !== 1000)
    throw new Error(`${sheet}: expected a 2000x1000 sheet, got ${meta.width}x${meta.height}`);
  await mkdir(outDir, { recursive: true });
  for (const old of await readdir(outDir)) if (old.endsWith('.png')) await rm(path.join(outDir, old));
  let written = 0;
  for (let digit = 0; digit < 10; digit++) {
    let n = 0;
    for (let r = 0; r < ROWS_PER_CLASS; r++) {
      const row = digit * ROWS_PER_CLASS + r;
      for (const col of COLUMNS) {
        const name = `digit-${digit}-${String(n).padStart(2, '0')}.png`;
        await sharp(sheet)
          .extract({ left: col * CELL, top: row * CELL, width: CELL, height: CELL })
          .toColourspace('b-w')
          .png({ compressionLevel: 9 })
          .toFile(path.join(outDir, name));
        n++;
        written++;
      }
    }
  }
  console.log(`wrote ${written} digits to ${path.relative(root, outDir)}`);
}

await main();
