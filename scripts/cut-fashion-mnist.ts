// Writes Fashion-MNIST images (gzip'd IDX, as in ../shared/data/A_fashion_mnist_28x28) as one
// 28x28 gray PNG each, split into train/ and test/ folders: the first TRAIN images for training,
// the TEST images after them for evaluation (no overlap), as docs/results.md measures. Run:
//   node bin/run-ts.js scripts/cut-fashion-mnist.ts OUT_DIR [--train 3000] [--test 200] [idx.gz]
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

const { values, positionals } = parseArgs({
  options: { train: { type: 'string', default: '3000' }, test: { type: 'string', default: '200' } },
  allowPositionals: true,
});
const [out, src = path.resolve(import.meta.dirname, '../../shared/data/A_fashion_mnist_28x28/train-first10000-images-idx3-ubyte.gz')] =
  positionals;
if (!out) {
  console.error('usage: node bin/run-ts.js scripts/cut-fashion-mnist.ts OUT_DIR [--train N] [--test N] [images-idx3-ubyte.gz]');
  process.exit(1);
}
const idx = gunzipSync(await readFile(src));
if (idx.readUInt32BE(0) !== 0x803) throw new Error(`${src}: not an IDX image file (magic ${idx.readUInt32BE(0).toString(16)})`);
const [count, rows, cols] = [idx.readUInt32BE(4), idx.readUInt32BE(8), idx.readUInt32BE(12)];
const train = Number(values.train);
const test = Number(values.test);
if (train + test > count) throw new Error(`${src}: holds ${count} images, asked for ${train} + ${test}`);
for (const [split, from, n] of [
  ['train', 0, train],
  ['test', train, test],
] as const) {
  const dir = path.join(out, split);
  await mkdir(dir, { recursive: true });
  for (let i = from; i < from + n; i++) {
    const px = idx.subarray(16 + i * rows * cols, 16 + (i + 1) * rows * cols);
    await sharp(Buffer.from(px), { raw: { width: cols, height: rows, channels: 1 } })
      .toColourspace('b-w')
      .png({ compressionLevel: 9 })
      .toFile(path.join(dir, `f${String(i).padStart(5, '0')}.png`));
  }
}
console.log(`wrote ${train} train and ${test} test images (${cols}x${rows}) to ${out}`);
