// Mutations of valid .latent files for the fuzz test: bit flips, truncation, appended and random
// bytes, and header field edits with the checksum recomputed (so the damage gets past the CRC and
// reaches the deeper checks, the entropy decoder and the model).
import { crc16, readPackHeaderV2, singleCheckBytes, type V2Image } from '../../../src-main/core/codec/container-v2.js';
import { crc32 } from '../../../src-main/core/system/crc32.js';

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

// ---------------------------------------------------------------------------------------------
// Format 2: single files end in a CRC-16 or CRC-32 (by size) that the CRC32 layout above does not
// cover, and v2's header starts right after its 2-byte magic.

export type V2Mutation = Mutation | 'v2-header-edit';
export const V2_MUTATIONS: V2Mutation[] = [...MUTATIONS, 'v2-header-edit'];
const RESEALED = new Set<V2Mutation>(['zero-run', 'header-edit', 'payload-edit', 'v2-header-edit']);

export interface V2Sample {
  name: string;
  bytes: Uint8Array;
  layout: CrcLayout;
  /** Single files end with a 2- or 4-byte check that mutate() cannot rewrite; damageV2 does. */
  single: boolean;
}

/** Rewrites the trailing check of a v2 single file, as fixCrcs does for the CRC32s of packs. */
export function resealV2(b: Uint8Array): void {
  const check = singleCheckBytes(b.length);
  if (b.length < check) return;
  const end = b.length - check;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (check === 2) view.setUint16(end, crc16(b.subarray(0, end)), true);
  else view.setUint32(end, crc32(b.subarray(0, end)), true);
}

export function damageV2(s: V2Sample, kind: V2Mutation, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  let b: Uint8Array;
  if (kind === 'v2-header-edit') {
    // mutate()'s header edits skip v1's 5-byte magic and version; v2's flags start at byte 2.
    b = Uint8Array.from(s.bytes);
    for (let k = 1 + pick(3); k > 0; k--) {
      const at = 2 + pick(Math.max(1, s.layout.headerEnd - 2));
      b[at] = rnd() < 0.5 ? pick(256) : b[at]! ^ (1 << pick(8));
    }
    fixCrcs(b, s.layout);
  } else {
    b = mutate(s.bytes, kind, rnd, s.layout);
  }
  if (s.single && RESEALED.has(kind)) resealV2(b);
  return b;
}

/** The sample of a v2 single file: its header ends where its payload (streams and side chunks) starts. */
export function v2SingleSample(name: string, bytes: Uint8Array, image: V2Image): V2Sample {
  const payload =
    image.streams.reduce((n, st) => n + st.length, 0) + [image.alpha, image.exif, image.icc].reduce((n, c) => n + (c?.length ?? 0), 0);
  return { name, bytes, single: true, layout: { spans: [], headerEnd: bytes.length - singleCheckBytes(bytes.length) - payload } };
}

/** The sample of a v2 pack: its header CRC and one CRC per block. */
export function v2PackSample(name: string, bytes: Uint8Array): V2Sample {
  const h = readPackHeaderV2(bytes, name);
  const spans: Array<[number, number]> = [
    [0, h.headerLength - 4],
    ...h.blocks.map((b) => [b.offset, b.offset + b.length - 4] as [number, number]),
  ];
  return { name, bytes, single: false, layout: { spans, headerEnd: h.headerLength - 4 } };
}
