// Mutations of valid .latent files for the fuzz test: bit flips, truncation, appended and random
// bytes, and header field edits with the checksum recomputed (so the damage gets past the CRC and
// reaches the deeper checks, the entropy decoder and the model).
import { crc32 } from '../../../src-main/core/codec/crc32.js';

export type Mutation = 'flip' | 'truncate' | 'append' | 'random-bytes' | 'header-edit' | 'payload-edit' | 'zero-run';
export const MUTATIONS: Mutation[] = ['flip', 'truncate', 'append', 'random-bytes', 'header-edit', 'payload-edit', 'zero-run'];

/** Where a file's checksums live, so edits can be made to pass them. */
export interface CrcLayout {
  /** [start, end) ranges covered by a CRC stored at `end`. */
  spans: Array<[number, number]>;
  headerEnd: number;
}

function fixCrcs(b: Uint8Array, layout: CrcLayout): void {
  for (const [start, end] of layout.spans) {
    if (end + 4 > b.length) continue;
    new DataView(b.buffer, b.byteOffset).setUint32(end, crc32(b.subarray(start, end)), true);
  }
}

export function mutate(src: Uint8Array, kind: Mutation, rnd: () => number, layout: CrcLayout): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  switch (kind) {
    case 'flip': {
      const b = Uint8Array.from(src);
      for (let k = 1 + pick(8); k > 0; k--) b[pick(b.length)]! ^= 1 << pick(8);
      return b;
    }
    case 'truncate':
      return src.slice(0, pick(src.length));
    case 'append': {
      const extra = Uint8Array.from({ length: 1 + pick(64) }, () => pick(256));
      const b = new Uint8Array(src.length + extra.length);
      b.set(src);
      b.set(extra, src.length);
      return b;
    }
    case 'random-bytes': {
      const b = Uint8Array.from(src);
      const at = pick(b.length);
      for (let i = at; i < Math.min(b.length, at + 1 + pick(16)); i++) b[i] = pick(256);
      return b;
    }
    case 'zero-run': {
      const b = Uint8Array.from(src);
      const at = pick(b.length);
      b.fill(rnd() < 0.5 ? 0 : 0xff, at, Math.min(b.length, at + 1 + pick(32)));
      fixCrcs(b, layout);
      return b;
    }
    case 'header-edit': {
      // Any header byte after the magic and version (flags, id, tag, sizes, lengths, step), CRC fixed.
      const b = Uint8Array.from(src);
      for (let k = 1 + pick(3); k > 0; k--) {
        const at = 5 + pick(Math.max(1, layout.headerEnd - 5));
        b[at] = rnd() < 0.5 ? pick(256) : b[at]! ^ (1 << pick(8));
      }
      fixCrcs(b, layout);
      return b;
    }
    case 'payload-edit': {
      const b = Uint8Array.from(src);
      for (let k = 1 + pick(4); k > 0; k--) {
        const at = layout.headerEnd + pick(Math.max(1, b.length - layout.headerEnd - 4));
        b[at] = pick(256);
      }
      fixCrcs(b, layout);
      return b;
    }
  }
}
