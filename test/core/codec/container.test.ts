import { describe, expect, it } from 'vitest';
import {
  FORMAT_VERSION,
  LatentFormatError,
  readPack,
  readPackBlock,
  readPackHeader,
  readSingle,
  weightsTag,
  writePack,
  writeSingle,
  type CodeParams,
  type ImageEntry,
} from '../../../src-main/core/codec/container.js';
import { encodeGrid } from '../../../src-main/core/codec/grid-coder.js';

const params: CodeParams = {
  modelId: 'digits-dense-32',
  weightsTag: weightsTag('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
  predictor: 'mean',
  codeChannels: 32,
  tile: 0,
  step: Math.fround(0.37),
};

function payloadFor(gh: number, gw: number, c: number): Uint8Array {
  return encodeGrid(
    Int32Array.from({ length: gh * gw * c }, (_, i) => (i % 7) - 3),
    gh,
    gw,
    c,
    'mean',
  );
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof LatentFormatError) return err.problem;
    throw err;
  }
}

describe('single-image container', () => {
  const image: ImageEntry = { width: 20, height: 20, channels: 1, gh: 1, gw: 1 };

  it('round-trips every field and keeps the header small', () => {
    const payload = payloadFor(1, 1, 32);
    const bytes = writeSingle({ params, image, payload });
    const back = readSingle(bytes, 'x.latent');
    expect(back.params).toEqual(params);
    expect(back.image).toEqual(image);
    expect(back.payload).toEqual(payload);
    // Overhead: 32 bytes + the model id (documented in docs/latent-format.md).
    expect(bytes.length - payload.length).toBe(32 + params.modelId.length);
    expect(bytes[4]).toBe(FORMAT_VERSION);
  });

  it('carries alpha, EXIF and ICC, odd and extreme sizes', () => {
    const exif = Uint8Array.from(Buffer.from('Exif\0\0MM\0*\0\0\0\x08\0\0', 'latin1'));
    const icc = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    for (const [w, h] of [
      [1, 1],
      [1, 999],
      [4097, 3],
      [65535, 2],
    ] as const) {
      const entry: ImageEntry = { width: w, height: h, channels: 4, gh: Math.ceil(h / 8), gw: Math.ceil(w / 8), exif, icc };
      const alpha = Uint8Array.of(9, 9, 9, 9, 9, 9);
      const bytes = writeSingle({
        params: { ...params, codeChannels: 3 },
        image: entry,
        payload: payloadFor(entry.gh, entry.gw, 3),
        alpha,
      });
      const back = readSingle(bytes, 'x');
      expect(back.image).toEqual(entry);
      expect(back.alpha).toEqual(alpha);
    }
  });

  it('names each kind of damage', () => {
    const good = writeSingle({ params, image, payload: payloadFor(1, 1, 32) });
    expect(problemOf(() => readSingle(Buffer.from('PNG not a latent'), 'f'))).toBe('not-latent');
    const v2 = Uint8Array.from(good);
    v2[4] = FORMAT_VERSION + 1;
    expect(() => readSingle(v2, 'f.latent')).toThrow(
      `f.latent: unsupported .latent format version ${FORMAT_VERSION + 1} (this studio reads version ${FORMAT_VERSION})`,
    );
    expect(problemOf(() => readSingle(good.subarray(0, good.length - 1), 'f'))).toBe('truncated');
    expect(problemOf(() => readSingle(good.subarray(0, 10), 'f'))).toBe('truncated');
    expect(problemOf(() => readSingle(Buffer.concat([good, Buffer.from([0])]), 'f'))).toBe('trailing');
    const flipped = Uint8Array.from(good);
    flipped[good.length - 8]! ^= 0x10;
    expect(() => readSingle(flipped, 'f.latent')).toThrow('f.latent: CRC mismatch (the file is corrupt)');
  });
});

describe('pack container', () => {
  function makePack(n: number, blockSize: number, named = true) {
    const images = Array.from({ length: n }, (_, i) => ({
      entry: {
        width: 20 + (i % 3),
        height: 20,
        channels: (i % 5 === 0 ? 4 : 1) as 1 | 4,
        gh: 1,
        gw: 1,
        ...(i === 2 ? { exif: Uint8Array.of(1, 2, 3) } : {}),
      },
      ...(i % 5 === 0 ? { alpha: Uint8Array.of(i & 255, 1, 2, 3, 4, 5) } : {}),
      ...(named ? { name: `digit-${String(i).padStart(4, '0')}` } : {}),
    }));
    const blocks = Array.from({ length: Math.ceil(n / blockSize) }, (_, b) => payloadFor(1, 1, 32 + b));
    return { images, blocks, bytes: writePack(params, images, blockSize, blocks) };
  }

  it('indexes every image for random access and verifies each block', () => {
    const { images, blocks, bytes } = makePack(130, 64);
    const h = readPack(bytes, 'p.latent');
    expect(h.images).toHaveLength(130);
    expect(h.blocks).toHaveLength(3);
    expect(h.totalLength).toBe(bytes.length);
    expect(h.images[77]!.name).toBe('digit-0077');
    for (let b = 0; b < 3; b++) {
      const m = h.blocks[b]!;
      const blk = readPackBlock(h, b, bytes.subarray(m.offset, m.offset + m.length), 'p');
      expect(blk.payload).toEqual(blocks[b]);
      expect(blk.sides).toHaveLength(m.count);
      blk.sides.forEach((s, k) => expect(s.alpha).toEqual(images[m.first + k]!.alpha));
    }
    // Per image, the index costs a handful of bytes.
    const unnamed = makePack(130, 64, false).bytes;
    const perImage = (unnamed.length - blocks.reduce((n, b) => n + b.length, 0) - 26 * 6) / 130;
    expect(perImage).toBeLessThan(8);
  });

  it('reports header and block damage', () => {
    const { bytes } = makePack(10, 4);
    const h = readPackHeader(bytes, 'p');
    const hdr = Uint8Array.from(bytes);
    hdr[h.headerLength - 6]! ^= 1;
    expect(problemOf(() => readPack(hdr, 'p'))).toBe('crc');
    const blk = Uint8Array.from(bytes);
    const m = h.blocks[1]!;
    blk[m.offset + 2]! ^= 0x80;
    expect(problemOf(() => readPackBlock(h, 1, blk.subarray(m.offset, m.offset + m.length), 'p'))).toBe('crc');
    expect(problemOf(() => readSingle(bytes, 'p'))).toBe('corrupt');
  });
});
