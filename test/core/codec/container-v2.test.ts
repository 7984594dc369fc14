import { describe, expect, it } from 'vitest';
import {
  FORMAT_V2,
  MODEL_TAG_BYTES,
  SHORT_CHECK_MAX_BYTES,
  crc16,
  isPackV2,
  isV2,
  latentVersion,
  modelTag,
  readPackHeaderV2,
  readPackV2,
  readSingleV2,
  singleCheckBytes,
  writePackV2,
  writeSingleV2,
  type V2Image,
  type V2PackImage,
  type V2Params,
} from '../../../src-main/core/codec/container-v2.js';
import { LatentFormatError, MAX_SIDE, readSingle, weightsTag, writeSingle } from '../../../src-main/core/codec/container.js';
import { MAX_PIXELS_SETTING } from '../../../src-main/core/contract/limits.js';
import { crc32 } from '../../../src-main/core/system/crc32.js';
import { mulberry32 } from './random.js';

const params: V2Params = { family: 1, tag: modelTag('5d41402abc4b2a76b9719d911017c592'), quality: 75 };

function problemOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof LatentFormatError) return err.problem;
    throw err;
  }
}

function bytesOf(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

/** Rewrites the check of a single file after an edit, so the edit reaches the header checks. */
function reseal(b: Uint8Array): Uint8Array {
  const check = singleCheckBytes(b.length);
  const end = b.length - check;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (check === 2) view.setUint16(end, crc16(b.subarray(0, end)), true);
  else view.setUint32(end, crc32(b.subarray(0, end)), true);
  return b;
}

/** Rewrites a pack's header CRC after an index edit. */
function resealPack(b: Uint8Array, headerLength: number): Uint8Array {
  new DataView(b.buffer, b.byteOffset).setUint32(headerLength - 4, crc32(b.subarray(0, headerLength - 4)), true);
  return b;
}

const digit: V2Image = { width: 28, height: 28, channels: 1, streams: [Uint8Array.of(0x5a, 0x17, 0xc0)] };

describe('checks and tags', () => {
  it('uses the standard CRC-16/IBM-3740 and 6-byte model tags', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x29b1);
    expect(Buffer.from(modelTag('5d41402abc4b2a76')).toString('hex')).toBe('5d41402abc4b');
    expect(modelTag('not hex at all')).toHaveLength(MODEL_TAG_BYTES);
    expect(modelTag('not hex at all')).toEqual(modelTag('not hex at all'));
    expect(singleCheckBytes(SHORT_CHECK_MAX_BYTES)).toBe(2);
    expect(singleCheckBytes(SHORT_CHECK_MAX_BYTES + 1)).toBe(4);
  });
});

describe('single v2 file', () => {
  it('is the worked example of docs/latent-format-v2.md, 15 bytes of overhead for a 28x28 digit', () => {
    const bytes = writeSingleV2(params, digit);
    expect(Buffer.from(bytes).toString('hex')).toBe('4cb2' + '20' + '10' + '5d41402abc4b' + '4b' + '1c1c' + '5a17c0' + '78fb');
    const overhead = bytes.length - digit.streams[0]!.length;
    expect(overhead).toBeLessThanOrEqual(16);
    expect(overhead).toBe(15);
    // A realistic 60-byte stream changes nothing but the payload.
    expect(writeSingleV2(params, { ...digit, streams: [new Uint8Array(60).fill(7)] }).length).toBe(75);
    expect(bytes[2]! >>> 4).toBe(FORMAT_V2);
    const back = readSingleV2(bytes, 'd.latent');
    expect(back).toEqual({ params, image: digit, bytes: bytes.length });
  });

  it('round-trips two to four streams with alpha, EXIF and ICC', () => {
    const exif = Uint8Array.from(Buffer.from('Exif\0\0MM\0*\0\0\0\x08\0\0', 'latin1'));
    const icc = bytesOf(300, 1);
    for (let s = 2; s <= 4; s++) {
      const image: V2Image = {
        width: 23,
        height: 17,
        channels: 4,
        exif,
        icc,
        alpha: bytesOf(9, 2),
        streams: Array.from({ length: s }, (_, k) => bytesOf(10 + 50 * k, 3 + k)),
      };
      const p = { family: 15, tag: modelTag('ffeeddccbbaa99'), quality: 100 };
      const back = readSingleV2(writeSingleV2(p, image), 'x');
      expect(back.params).toEqual(p);
      expect(back.image).toEqual(image);
    }
    // Empty EXIF/ICC are not stored.
    const back = readSingleV2(writeSingleV2(params, { ...digit, exif: new Uint8Array(0), icc: new Uint8Array(0) }), 'x');
    expect(back.image).toEqual(digit);
  });

  it('round-trips random sizes, channel counts and stream lengths (CRC-32 past 4095 bytes)', () => {
    const rnd = mulberry32(7);
    const pick = (n: number) => Math.floor(rnd() * n);
    let long = 0;
    for (let k = 0; k < 60; k++) {
      const channels = ([1, 3, 4] as const)[pick(3)]!;
      const width = k === 0 ? MAX_SIDE : 1 + pick(k % 2 ? 100 : 5000);
      const height = k === 0 ? 1 : 1 + pick(k % 3 ? 100 : 5000);
      const image: V2Image = {
        width,
        height,
        channels,
        ...(channels === 4 ? { alpha: bytesOf(1 + pick(200), k) } : {}),
        ...(pick(3) === 0 ? { exif: bytesOf(1 + pick(40), k + 1) } : {}),
        ...(pick(3) === 0 ? { icc: bytesOf(1 + pick(400), k + 2) } : {}),
        streams: Array.from({ length: 1 + pick(4) }, (_, s) => bytesOf(1 + pick(k % 4 ? 300 : 6000), k * 10 + s)),
      };
      const p = { family: pick(16), tag: bytesOf(6, k), quality: 1 + pick(100) };
      const bytes = writeSingleV2(p, image);
      if (bytes.length > SHORT_CHECK_MAX_BYTES) long++;
      expect(readSingleV2(bytes, 'x')).toEqual({ params: p, image, bytes: bytes.length });
    }
    expect(long).toBeGreaterThan(0);
  });

  it('refuses bad arguments when writing', () => {
    const bad: Array<[Partial<V2Params>, Partial<V2Image>]> = [
      [{ family: 16 }, {}],
      [{ family: -1 }, {}],
      [{ tag: new Uint8Array(8) }, {}],
      [{ quality: 0 }, {}],
      [{ quality: 101 }, {}],
      [{}, { channels: 4 }],
      [{}, { alpha: Uint8Array.of(1) }],
      [{}, { streams: [] }],
      [{}, { streams: Array.from({ length: 5 }, () => Uint8Array.of(1)) }],
      [{}, { streams: [new Uint8Array(0)] }],
      [{}, { width: 0 }],
      [{}, { width: 40000, height: 30000 }],
    ];
    for (const [p, i] of bad) expect(() => writeSingleV2({ ...params, ...p }, { ...digit, ...i })).toThrow(RangeError);
  });

  it('reports every truncation as truncated or a CRC mismatch', () => {
    const files = [
      writeSingleV2(params, digit),
      writeSingleV2(params, { ...digit, channels: 4, alpha: bytesOf(5, 1), exif: bytesOf(3, 2), streams: [bytesOf(4, 3), bytesOf(6, 4)] }),
      writeSingleV2(params, { ...digit, width: 300, height: 200, streams: [bytesOf(200, 5), bytesOf(4000, 6)] }),
    ];
    for (const f of files) {
      const seen = new Set<string>();
      for (let n = 2; n < f.length; n++) seen.add(problemOf(() => readSingleV2(f.subarray(0, n), 'f.latent')));
      expect([...seen].every((p) => p === 'truncated' || p === 'crc')).toBe(true);
      expect(seen).toEqual(new Set(['truncated', 'crc']));
      // Shorter than the magic, a file cannot be told from any other.
      expect(problemOf(() => readSingleV2(f.subarray(0, 1), 'f'))).toBe('not-latent');
    }
    expect(() => readSingleV2(files[0]!.subarray(0, 12), 'f.latent')).toThrow('f.latent: truncated (the file ends inside its header)');
  });

  it('names each kind of damage', () => {
    const good = writeSingleV2(params, digit);
    const edit = (at: number, v: number) => {
      const b = Uint8Array.from(good);
      b[at] = v;
      return reseal(b);
    };
    expect(problemOf(() => readSingleV2(Buffer.from('PNG not a latent'), 'f'))).toBe('not-latent');
    expect(() => readSingleV2(edit(1, 0x41), 'f.latent')).toThrow('f.latent: not a .latent file');
    expect(() => readSingleV2(edit(2, 0x30), 'f.latent')).toThrow(
      'f.latent: unsupported .latent format version 3 (this studio reads versions 1 and 2)',
    );
    expect(problemOf(() => readSingleV2(edit(2, 0x10), 'f'))).toBe('corrupt');
    // Reserved: the names flag on a single file, channel code 3.
    expect(problemOf(() => readSingleV2(edit(2, 0x22), 'f'))).toBe('corrupt');
    expect(problemOf(() => readSingleV2(edit(3, 0x13), 'f'))).toBe('corrupt');
    // Quality outside 1-100, an overlong varint, an image over MAX_PIXELS_SETTING.
    expect(problemOf(() => readSingleV2(edit(10, 0), 'f'))).toBe('corrupt');
    expect(problemOf(() => readSingleV2(edit(10, 101), 'f'))).toBe('corrupt');
    const overlong = reseal(Uint8Array.from([...good.subarray(0, 11), 0x9c, 0x00, ...good.subarray(12)]));
    expect(() => readSingleV2(overlong, 'f.latent')).toThrow('f.latent: corrupt header (width is an overlong varint)');
    // The ceiling is the largest --max-pixels (contract/limits.ts): 31622x31622 is the largest
    // square allowed; 31623x31623 is over.
    expect(MAX_PIXELS_SETTING).toBe(1_000_000_000);
    const big = writeSingleV2(params, { ...digit, width: 31622, height: 31622 });
    expect(big.subarray(11, 17)).toEqual(Uint8Array.of(0x86, 0xf7, 0x01, 0x86, 0xf7, 0x01));
    expect(problemOf(() => readSingleV2(big, 'f'))).toBe('ok');
    big[11] = big[14] = 0x87;
    expect(() => readSingleV2(reseal(big), 'f.latent')).toThrow('f.latent: corrupt header (31623x31623 is over 1000 megapixels)');
    // The payload, damaged.
    const flipped = Uint8Array.from(good);
    flipped[13]! ^= 0x10;
    expect(() => readSingleV2(flipped, 'f.latent')).toThrow('f.latent: CRC mismatch (the file is corrupt)');
    // Appended bytes become part of the last stream: the check catches them.
    expect(problemOf(() => readSingleV2(Buffer.concat([good, Buffer.from([0])]), 'f'))).toBe('crc');
    // A pack is not a single file.
    expect(problemOf(() => readSingleV2(writePackV2(params, [digit]), 'f'))).toBe('corrupt');
  });
});

describe('v2 pack', () => {
  function images(n: number, named: boolean, streams = 2): V2PackImage[] {
    const rnd = mulberry32(n);
    const pick = (k: number) => Math.floor(rnd() * k);
    return Array.from({ length: n }, (_, i) => ({
      width: 28 + pick(300),
      height: 1 + pick(200),
      channels: i % 5 === 0 ? 4 : i % 3 === 0 ? 3 : 1,
      ...(i % 5 === 0 ? { alpha: bytesOf(1 + pick(20), i) } : {}),
      ...(i === 2 ? { exif: Uint8Array.of(1, 2, 3) } : {}),
      ...(i === 3 ? { icc: bytesOf(500, i) } : {}),
      streams: Array.from({ length: streams }, (_, s) => bytesOf(1 + pick(s === 0 ? 150 : 20), i * 4 + s)),
      ...(named ? { name: `digit-${String(i).padStart(4, '0')}` } : {}),
    }));
  }

  it('round-trips with names and gives random access to any image', () => {
    const imgs = images(130, true);
    const bytes = writePackV2(params, imgs, { blockSize: 16 });
    expect(isV2(bytes) && isPackV2(bytes)).toBe(true);
    const pack = readPackV2(bytes, 'p.latent');
    expect(pack.params).toEqual(params);
    expect(pack.count).toBe(130);
    expect(pack.header.blocks).toHaveLength(9);
    for (const i of [77, 0, 129, 3, 2, 64]) expect(pack.image(i)).toEqual(imgs[i]);
    for (let i = 0; i < 130; i++) expect(pack.image(i)).toEqual(imgs[i]);
    expect(() => pack.image(130)).toThrow(RangeError);
  });

  it('round-trips without names, one stream, default blocks; the index is a few bytes per image', () => {
    const imgs: V2PackImage[] = Array.from({ length: 200 }, (_, i) => ({
      width: 28,
      height: 28,
      channels: 1,
      streams: [bytesOf(40 + (i % 50), i)],
    }));
    const bytes = writePackV2(params, imgs);
    const pack = readPackV2(bytes, 'p');
    expect(pack.header.blockSize).toBe(64);
    expect(imgs.map((_, i) => pack.image(i))).toEqual(imgs);
    const payload = imgs.reduce((n, i) => n + i.streams[0]!.length, 0);
    // 14 bytes of header (prefix, count, block size), a CRC32 for the header and each of 4 blocks;
    // the rest is the index: width, height, flags and stream length, one byte each.
    const perImage = (bytes.length - payload - 14 - 4 * 5) / 200;
    expect(perImage).toBe(4);
    const named = images(60, true);
    expect(
      readPackV2(
        writePackV2(
          params,
          named.map(({ name: _, ...rest }) => rest),
        ),
        'p',
      ).image(7),
    ).toEqual({ ...named[7], name: undefined });
  });

  it('keeps names that are given, cleaning newlines, and drops empty ones', () => {
    const imgs: V2PackImage[] = [{ ...digit, name: 'a\nb' }, { ...digit, name: '' }, { ...digit }, { ...digit, name: 'ünïcödé' }];
    const pack = readPackV2(writePackV2(params, imgs), 'p');
    expect([0, 1, 2, 3].map((i) => pack.image(i).name)).toEqual(['a b', undefined, undefined, 'ünïcödé']);
    expect(readPackV2(writePackV2(params, [{ ...digit, name: '' }]), 'p').image(0)).toEqual(digit);
    expect(() => writePackV2(params, [digit, { ...digit, streams: [Uint8Array.of(1), Uint8Array.of(2)] }])).toThrow(RangeError);
    expect(() => writePackV2(params, [])).toThrow(RangeError);
  });

  it('reports every truncation as truncated or a CRC mismatch, and names damage', () => {
    const bytes = writePackV2(params, images(12, true), { blockSize: 4 });
    const seen = new Set<string>();
    for (let n = 2; n < bytes.length; n++) seen.add(problemOf(() => readPackV2(bytes.subarray(0, n), 'p')));
    expect([...seen].every((p) => p === 'truncated' || p === 'crc')).toBe(true);
    expect(problemOf(() => readPackV2(Buffer.concat([bytes, Buffer.from([1])]), 'p'))).toBe('trailing');
    expect(problemOf(() => readPackV2(writeSingleV2(params, digit), 'p'))).toBe('corrupt');

    const h = readPackHeaderV2(bytes, 'p');
    const hdr = Uint8Array.from(bytes);
    hdr[h.headerLength - 6]! ^= 1;
    expect(() => readPackV2(hdr, 'p.latent')).toThrow('p.latent: CRC mismatch in the pack header (the file is corrupt)');
    // Damage in block 1 spoils only the images of block 1.
    const blk = Uint8Array.from(bytes);
    blk[h.blocks[1]!.offset + 2]! ^= 0x80;
    const pack = readPackV2(blk, 'p.latent');
    expect(() => pack.image(5)).toThrow('p.latent: CRC mismatch in block 1 (the file is corrupt)');
    expect(problemOf(() => pack.image(4))).toBe('crc');
    expect(problemOf(() => pack.image(0))).toBe('ok');
    expect(problemOf(() => pack.image(11))).toBe('ok');
  });

  it('refuses reserved bits and impossible counts in the header and index', () => {
    const bytes = writePackV2(params, [digit, digit], { blockSize: 1 });
    const h = readPackHeaderV2(bytes, 'p');
    const edit = (at: number, v: number) => {
      const b = Uint8Array.from(bytes);
      b[at] = v;
      return resealPack(b, h.headerLength);
    };
    // Layout: 11-byte prefix, count, block size, then per image width, height, flags, stream length.
    expect(problemOf(() => readPackV2(edit(13, 28), 'p'))).toBe('ok');
    expect(problemOf(() => readPackV2(edit(3, 0x11), 'p'))).toBe('corrupt');
    expect(problemOf(() => readPackV2(edit(15, 0x10), 'p'))).toBe('corrupt');
    expect(problemOf(() => readPackV2(edit(15, 0x03), 'p'))).toBe('corrupt');
    expect(problemOf(() => readPackV2(edit(12, 3), 'p'))).toBe('corrupt');
    expect(problemOf(() => readPackV2(edit(11, 0), 'p'))).toBe('corrupt');
    expect(problemOf(() => readPackV2(edit(11, 100), 'p'))).toBe('truncated');
    const many = Uint8Array.from([...bytes.subarray(0, 11), 0xff, 0xff, 0xff, 0x0f, ...bytes.subarray(12)]);
    expect(() => readPackV2(many, 'p.latent')).toThrow('p.latent: corrupt header (image count 33554431, allowed 1 to 16777216)');
  });
});

describe('dispatching on the first bytes', () => {
  it('tells a version 1 file from version 2 files and refuses the rest', () => {
    const v1 = writeSingle({
      params: {
        modelId: 'digits-dense-32',
        weightsTag: weightsTag('9f86d081884c7d65'),
        predictor: 'mean',
        codeChannels: 4,
        tile: 0,
        step: 0.5,
      },
      image: { width: 28, height: 28, channels: 1, gh: 1, gw: 1 },
      payload: Uint8Array.of(0, 1, 2, 3, 4, 5),
    });
    const v2 = writeSingleV2(params, digit);
    expect(latentVersion(v1, 'a')).toBe(1);
    expect(latentVersion(v2, 'b')).toBe(2);
    expect(latentVersion(writePackV2(params, [digit]), 'c')).toBe(2);
    expect(isV2(v1)).toBe(false);
    // Neither reader mistakes the other version for its own.
    expect(problemOf(() => readSingleV2(v1, 'a'))).toBe('not-latent');
    expect(problemOf(() => readSingle(v2, 'b'))).toBe('not-latent');
    expect(() => latentVersion(Buffer.from('\x89PNG\r\n'), 'x.png')).toThrow('x.png: not a .latent file');
    expect(problemOf(() => latentVersion(new Uint8Array(0), 'e'))).toBe('not-latent');
    expect(problemOf(() => latentVersion(Uint8Array.of(0x4c), 'e'))).toBe('not-latent');
    expect(problemOf(() => latentVersion(Uint8Array.of(0x4c, 0xb2), 'e'))).toBe('truncated');
    expect(problemOf(() => latentVersion(v1.subarray(0, 4), 'e'))).toBe('truncated');
    const v9 = Uint8Array.from(v1);
    v9[4] = 9;
    expect(() => latentVersion(v9, 'f.latent')).toThrow(
      'f.latent: unsupported .latent format version 9 (this studio reads versions 1 and 2)',
    );
    expect(problemOf(() => latentVersion(Uint8Array.of(0x4c, 0xb2, 0x30), 'e'))).toBe('version');
  });
});
