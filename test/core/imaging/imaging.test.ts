import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeImage, imageInfo, insertExif, readImage, writeFileAtomic } from '../../../src-main/core/imaging/index.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

async function makeRotatedJpeg(file: string): Promise<void> {
  // 40x20 left half red, right half blue, stored with EXIF orientation 6 (rotate 90 CW).
  const w = 40, h = 20;
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  await sharp(data, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file);
}

describe('imaging', () => {
  it('applies EXIF orientation and reports rotated dimensions', async () => {
    const f = path.join(tmp.dir, 'rot.jpg');
    await makeRotatedJpeg(f);
    const info = await imageInfo(f);
    expect([info.width, info.height]).toEqual([20, 40]);
    const img = await readImage(f, { channels: 3 });
    expect([img.width, img.height, img.channels]).toEqual([20, 40, 3]);
    // After a 90-degree clockwise turn, the red (left) half is on top.
    expect(img.data[0]).toBeGreaterThan(200);
    expect(img.data[(39 * 20 + 10) * 3 + 2]).toBeGreaterThan(200);
  });

  it('converts to gray or RGB on request', async () => {
    const f = path.join(tmp.dir, 'rot.jpg');
    await makeRotatedJpeg(f);
    expect((await readImage(f, { channels: 1 })).data.length).toBe(20 * 40);
    expect((await readImage(f, { channels: 3 })).data.length).toBe(20 * 40 * 3);
  });

  it('gives one-line errors naming the file', async () => {
    const empty = path.join(tmp.dir, 'empty.png');
    writeFileSync(empty, '');
    await expect(readImage(empty)).rejects.toThrow(`${empty}: empty file (0 bytes)`);
    const text = path.join(tmp.dir, 'notes.jpg');
    writeFileSync(text, 'hello, this is text');
    await expect(readImage(text)).rejects.toThrow(`${text}: not an image or unsupported format`);
    const missing = path.join(tmp.dir, 'missing.png');
    await expect(imageInfo(missing)).rejects.toThrow(`${missing}: no such file`);
    const trunc = path.join(tmp.dir, 'trunc.jpg');
    await makeRotatedJpeg(trunc);
    writeFileSync(trunc, readFileSync(trunc).subarray(0, 300));
    const err = await readImage(trunc).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message.startsWith(`${trunc}: `)).toBe(true);
    expect((err as Error).message).not.toContain('\n');
  });

  it('round-trips pixels losslessly through PNG and keeps EXIF in JPEG', async () => {
    const raw = { data: new Uint8Array(7 * 3 * 3).map((_, i) => (i * 37) % 256), width: 7, height: 3, channels: 3 as const };
    const png = await encodeImage(raw, 'png');
    const back = await readImage('mem.png', {}, png);
    expect(Array.from(back.data)).toEqual(Array.from(raw.data));
    const src = path.join(tmp.dir, 'rot.jpg');
    await makeRotatedJpeg(src);
    const exif = (await sharp(src).metadata()).exif!;
    const jpeg = insertExif(await encodeImage(raw, 'jpeg'), exif, 'jpeg');
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
  });

  it('writes atomically and refuses to overwrite', async () => {
    const f = path.join(tmp.dir, 'sub', 'out.bin');
    await writeFileAtomic(f, new Uint8Array([1, 2, 3]));
    await expect(writeFileAtomic(f, new Uint8Array([9]))).rejects.toThrow('already exists');
    expect(Array.from(readFileSync(f))).toEqual([1, 2, 3]);
    await writeFileAtomic(f, new Uint8Array([9]), { overwrite: true });
    expect(Array.from(readFileSync(f))).toEqual([9]);
  });
});
