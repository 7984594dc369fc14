// The one pixel conversion (imaging/pixels.ts): its luma is what sharp gives for an sRGB image
// turned gray, its alpha rule keeps the colour straight, and a gray model sees the very same
// pixels of an RGBA file when it is trained on it and when the file is compressed with it.
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareFile } from '../../../src-main/core/codec-files/prepare-file.js';
import { ImageSource } from '../../../src-main/core/engine/data.js';
import { loadModel, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import { readImage } from '../../../src-main/core/imaging/index.js';
import {
  comparable,
  joinAlpha,
  luma,
  splitAlpha,
  toBytes,
  toChannels,
  toFloat,
  type RawImage,
} from '../../../src-main/core/imaging/pixels.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** sharp's own gray of raw RGB pixels (libvips sRGB -> B_W). */
async function sharpGray(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const { data } = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .toColourspace('b-w')
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

describe('the luma', () => {
  it("is sharp's gray for every one of the 2^24 colours (bit for bit on x64 builds)", async () => {
    const side = 4096;
    const n = side * side;
    const rgb = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      rgb[3 * i] = i >> 16;
      rgb[3 * i + 1] = (i >> 8) & 255;
      rgb[3 * i + 2] = i & 255;
    }
    const want = await sharpGray(rgb, side, side);
    const got = toChannels({ data: rgb, width: side, height: side, channels: 3 }, 1).data;
    let differ = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(got[i]! - want[i]!);
      if (d) differ++;
      if (d > worst) worst = d;
    }
    // libvips computes in float32; a build that fuses multiply-adds (arm64) may round a few
    // colours the other way, never by more than one level.
    if (process.arch === 'x64') expect(differ).toBe(0);
    else expect(worst).toBeLessThanOrEqual(1);
  });

  it('keeps gray gray: r = g = b = v gives v', () => {
    for (let v = 0; v < 256; v++) expect(luma(v, v, v)).toBe(v);
  });
});

describe('channels and alpha', () => {
  const rgba: RawImage = { data: Uint8Array.of(10, 20, 30, 0, 200, 100, 50, 128), width: 2, height: 1, channels: 4 };

  it('splits RGBA into straight colour and alpha, and joins them back', () => {
    const { color, alpha } = splitAlpha(rgba);
    expect(Array.from(color.data)).toEqual([10, 20, 30, 200, 100, 50]);
    expect(Array.from(alpha!)).toEqual([0, 128]);
    expect(joinAlpha(color, alpha!)).toEqual(rgba);
  });

  it('converts between gray, RGB and RGBA without blending alpha', () => {
    // The colour under alpha 0 and 128 is taken as stored, not blended onto white.
    const gray = toChannels(rgba, 1);
    expect(Array.from(gray.data)).toEqual([luma(10, 20, 30), luma(200, 100, 50)]);
    expect(Array.from(gray.data)).toEqual([19, 128]);
    expect(toChannels(splitAlpha(rgba).color, 1)).toEqual(gray);
    expect(Array.from(toChannels(gray, 3).data)).toEqual([19, 19, 19, 128, 128, 128]);
    expect(Array.from(toChannels(gray, 4).data)).toEqual([19, 19, 19, 255, 128, 128, 128, 255]);
    expect(toChannels(rgba, 4)).toBe(rgba);
  });

  it('goes to float planes and back losslessly', () => {
    const f = toFloat(rgba, 3);
    expect(f.channels).toBe(3);
    expect(f.data[0]).toBeCloseTo(10 / 255, 7);
    expect(toBytes(f)).toEqual(splitAlpha(rgba).color);
    expect(toBytes({ data: Float32Array.of(-0.2, 0.5, 1.3), width: 3, height: 1, channels: 1 }).data).toEqual(Uint8Array.of(0, 128, 255));
  });

  it('makes images comparable for the metrics: alpha dropped, gray against RGB replicated', () => {
    const [a, b] = comparable(rgba, toChannels(rgba, 1));
    expect(a).toEqual(splitAlpha(rgba).color);
    expect(b).toEqual(toChannels(toChannels(rgba, 1), 3));
    expect(() => comparable(rgba, { ...rgba, width: 1 })).toThrow(/cannot compare a 2x1 image with a 1x1 one/);
  });
});

describe('a gray model and an RGBA file', () => {
  let tmp: ReturnType<typeof makeTmpDir>;
  let model: LoadedModel;
  let file: string;
  const width = 24;
  const height = 20;
  const rgba = new Uint8Array(width * height * 4);

  beforeAll(async () => {
    tmp = makeTmpDir('ls-pixels-');
    // Colours everywhere, alpha from fully transparent through soft to opaque.
    for (let i = 0; i < width * height; i++) {
      rgba[4 * i] = (i * 37) & 255;
      rgba[4 * i + 1] = (i * 91 + 40) & 255;
      rgba[4 * i + 2] = (i * 13 + 200) & 255;
      rgba[4 * i + 3] = [0, 1, 64, 128, 254, 255][i % 6]!;
    }
    file = path.join(tmp.dir, 'logo.png');
    await sharp(rgba, { raw: { width, height, channels: 4 } })
      .png()
      .toFile(file);
    model = await loadModel(path.join(root, 'resources/models/base-small'));
    expect(model.card.channels).toBe(1);
  });
  afterAll(() => {
    model?.dispose();
    tmp?.cleanup();
  });

  it('sees the same pixels in training and in compression', async () => {
    const training = await new ImageSource({ channels: 1, size: 16, cropsPerImage: 1 }).load(file);
    const prepared = await prepareFile(model, file);
    // What the model is handed when the file is compressed (learned-io/model-io: toFloat in its channels).
    const compression = toFloat(prepared.color, model.card.channels);
    expect([training.width, training.height, training.channels]).toEqual([width, height, 1]);
    expect(compression.data).toEqual(training.data);
    // The alpha plane is kept aside for the codec, and the gray is the straight colour's luma,
    // which is also what sharp makes of the file's colour planes.
    expect(prepared.alpha).toEqual(splitAlpha({ data: rgba, width, height, channels: 4 }).alpha);
    const straight = splitAlpha({ data: rgba, width, height, channels: 4 }).color.data;
    expect(Array.from(prepared.color.data)).toEqual(Array.from(await sharpGray(straight, width, height)));
    expect(prepared.color.data[0]).toBe(luma(rgba[0]!, rgba[1]!, rgba[2]!));
    expect(prepared.color.data[0]).not.toBe(255);
  });

  it('reads the file in any channel count through the same conversion', async () => {
    const keep = await readImage(file);
    expect(keep.channels).toBe(4);
    expect(await readImage(file, { channels: 1 })).toEqual(toChannels(keep, 1));
    expect(await readImage(file, { channels: 3 })).toEqual(toChannels(keep, 3));
  });
});
