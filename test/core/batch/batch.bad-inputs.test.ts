// Bad and unusual inputs inside one batch, generated here with sharp: each is handled or reported
// with a one-line reason naming the file, and the batch still finishes the good ones.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../../src-main/core/contract/batch.js';
import { jobResult, onJobProgress } from '../../helpers/jobs.js';
import { DIGITS, studioWithModel, type BatchFixture } from './helpers.js';

let fx: BatchFixture;
let dir: string;
let summary: BatchSummary;
let decompressed: BatchSummary;
const isRoot = process.getuid?.() === 0;

const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#000000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });

beforeAll(async () => {
  fx = await studioWithModel('bad-inputs');
  dir = path.join(fx.tmp.dir, 'in');
  mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  copyFileSync(DIGITS[0]!, f('a-good.png'));
  writeFileSync(f('b-empty.jpg'), '');
  const jpeg = await noise(160, 120).jpeg().toBuffer();
  writeFileSync(f('c-truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  writeFileSync(f('d-text.jpg'), 'this is a text file with a .jpg name\n');
  await noise(48, 32).toColourspace('rgb16').png().toFile(f('e-16bit.png'));
  await noise(48, 32).toColourspace('cmyk').jpeg().toFile(f('f-cmyk.jpg'));
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((c) =>
      sharp({ create: { width: 24, height: 24, channels: 3, background: c } })
        .png()
        .toBuffer(),
    ),
  );
  await sharp(frames, { join: { animated: true } })
    .gif({ loop: 0 })
    .toFile(f('g-animated.gif'));
  // 8660 x 5774 = 50.0 megapixels (a flat colour keeps the file small).
  await sharp({ create: { width: 8660, height: 5774, channels: 3, background: '#336699' } })
    .jpeg()
    .toFile(f('h-50mp.jpg'));
  // Stored 60 wide and 40 high, shown rotated (EXIF orientation 6): 40 wide, 60 high.
  await noise(60, 40).jpeg().withMetadata({ orientation: 6 }).toFile(f('i-rotated.jpg'));
  copyFileSync(DIGITS[1]!, f('j-unreadable.png'));
  chmodSync(f('j-unreadable.png'), 0o000);
  copyFileSync(DIGITS[2]!, f('z-deleted.png'));

  // The last file disappears once the batch is under way (one worker, so it has not been read yet).
  let removed = false;
  const off = onJobProgress(fx.studio, 'batch.compress', (p) => {
    if (!removed && p.done >= 1) {
      removed = true;
      rmSync(f('z-deleted.png'));
    }
  });
  const { jobId } = await fx.studio.call('startBatch', {
    kind: 'compress',
    inputs: [dir],
    outDir: path.join(fx.tmp.dir, 'out'),
    modelId: fx.model.id,
    workers: 1,
  });
  summary = await jobResult(fx.studio, 'batch.compress', jobId);
  off();
  const d = await fx.studio.call('startBatch', {
    kind: 'decompress',
    inputs: [path.join(fx.tmp.dir, 'out')],
    outDir: path.join(fx.tmp.dir, 'back'),
  });
  decompressed = await jobResult(fx.studio, 'batch.decompress', d.jobId);
}, 120_000);

afterAll(async () => {
  try {
    chmodSync(path.join(dir, 'j-unreadable.png'), 0o644);
  } catch {
    // already gone with the temp dir
  }
  await fx?.close();
});

const failure = (name: string) => summary.failed.find((x) => path.basename(x.path) === name)?.error;
const written = (name: string) => summary.files.find((x) => path.basename(x.input) === name);
const restored = (name: string) => decompressed.files.find((x) => path.basename(x.output) === name.replace(/\.\w+$/, '.png'));

describe('bad inputs inside a batch', () => {
  it('finishes the batch and accounts for every file', () => {
    expect(summary.state).toBe('done');
    expect(summary.total).toBe(11);
    expect(summary.files.length + summary.failed.length).toBe(11);
    expect(written('a-good.png')).toBeDefined();
    for (const f of summary.failed) {
      expect(f.error.split('\n')).toHaveLength(1);
      expect(f.error.startsWith(f.path)).toBe(true);
    }
  });

  it('reports the 0-byte file, the truncated JPEG and the text file named .jpg', () => {
    expect(failure('b-empty.jpg')).toMatch(/empty file \(0 bytes\)/);
    expect(failure('c-truncated.jpg')).toMatch(/corrupt or truncated image/);
    expect(failure('d-text.jpg')).toMatch(/not an image or unsupported format/);
  });

  it('compresses a 16-bit PNG and a CMYK JPEG (converted to 8-bit sRGB)', () => {
    expect(written('e-16bit.png')).toMatchObject({ width: 48, height: 32 });
    expect(written('f-cmyk.jpg')).toMatchObject({ width: 48, height: 32, channels: 3 });
    expect(restored('e-16bit.png')).toMatchObject({ width: 48, height: 32 });
    expect(restored('f-cmyk.jpg')).toMatchObject({ width: 48, height: 32 });
  });

  it('refuses an animated GIF rather than silently keeping one frame', () => {
    expect(failure('g-animated.gif')).toMatch(/animated image \(3 frames\); only still images are compressed/);
  });

  it('refuses a 50-megapixel image by its header, naming the limit', () => {
    expect(failure('h-50mp.jpg')).toMatch(/8660x5774 is 50\.0 megapixels, over the limit of 40\.0 megapixels .*--max-pixels/);
  });

  it('stores an EXIF-rotated photo upright, and it comes back upright without the rotation tag', async () => {
    expect(written('i-rotated.jpg')).toMatchObject({ width: 40, height: 60 });
    const back = restored('i-rotated.jpg')!;
    const meta = await sharp(back.output).metadata();
    expect([meta.width, meta.height]).toEqual([40, 60]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  it('reports an unreadable file (as root, where permissions do not stop reads, it is compressed)', () => {
    if (isRoot) {
      // chmod 000 cannot make a file unreadable for root: the batch reads it like any other.
      expect(written('j-unreadable.png')).toBeDefined();
    } else {
      expect(failure('j-unreadable.png')).toMatch(/permission denied/);
    }
  });

  it('reports a file deleted while the batch ran', () => {
    expect(failure('z-deleted.png')).toMatch(/z-deleted\.png: no such file/);
  });

  it('leaves every input as it was', () => {
    expect(readFileSync(path.join(dir, 'a-good.png')).equals(readFileSync(DIGITS[0]!))).toBe(true);
  });
});
