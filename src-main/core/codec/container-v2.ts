// The .latent container, format version 2: files and packs of the learned-codec model families
// (factorized prior, mean-scale hyperprior, dense with factorized prior), whose payload is one to
// four latent streams entropy-coded with the model's own CDF tables. The byte layout is documented
// in docs/latent-format-v2.md. Version 1 (container.ts) is unchanged; its files start with "LATN",
// these with 4c b2, and latentVersion tells them apart from the first bytes.
// Parsing is as defensive as version 1: every length is checked against the bytes that remain
// before anything is sliced, reserved bits must be zero, varints are bounded (and minimal), and
// checks are verified before the contents are trusted. Problems surface as LatentFormatError.
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { ByteReader, ByteWriter, OutOfBytes } from './bytes.js';
import { MAX_PIXELS_SETTING } from '../contract/limits.js';
import { LATENT_MAGIC, LatentFormatError, MAX_SIDE, type LatentProblem, type OutputChannels } from './container.js';
import { crc32 } from '../system/crc32.js';

export const FORMAT_V2 = 2;
/** Bytes of the model tag kept in each file (48 bits: it only has to tell the catalog's models apart). */
export const MODEL_TAG_BYTES = 6;
/** 'L' then a byte that is not v1's 'A', so one reader can dispatch on the first two bytes. */
export const V2_MAGIC = Uint8Array.of(0x4c, 0xb2);
export const MAX_STREAMS = 4;
export const MAX_FAMILY = 15;
/**
 * Single files of at most this many bytes end with a CRC-16, longer ones with a CRC-32. CRC-16
 * (polynomial 0x1021) detects every 1-3 bit error and every burst up to 16 bits in up to 4093 data
 * bytes; beyond that a 16-bit check is only a 2^-16 filter, so bigger files pay 2 more bytes.
 */
export const SHORT_CHECK_MAX_BYTES = 4095;
export const MAX_PACK_IMAGES = 1 << 24;
const MAX_NAMES_BYTES = 64 << 20;
const MAX_NAME_BYTES_PER_IMAGE = 4096;
/** Largest length any one chunk may declare, and largest pack: keeps offset sums exact in doubles. */
const MAX_CHUNK = 2 ** 40;
const MAX_PACK_BYTES = 2 ** 52;
const DEFAULT_BLOCK_SIZE = 64;
/** Bytes before the first varint: magic, version/flags, family/image flags, tag, quality. */
const PREFIX_BYTES = 2 + 1 + 1 + MODEL_TAG_BYTES + 1;

// Byte 2: version in the high nibble, then these flags.
const F_PACK = 1;
const F_NAMES = 2;
const STREAMS_SHIFT = 2;
// Image flags (low nibble of byte 3 in a single file, the flags byte of a pack index entry).
const IMG_CHANNELS = 3;
const IMG_EXIF = 4;
const IMG_ICC = 8;
const CHANNEL_CODES = [1, 3, 4] as const;

/** How a file was coded: which model family and model, and at what quality. */
export interface V2Params {
  /** Model family id, 0-15 (the registry maps family names to ids). */
  family: number;
  /** MODEL_TAG_BYTES of the hash of the model's decoder weights and entropy tables (see modelTag). */
  tag: Uint8Array;
  /** Quality index, 1-100. */
  quality: number;
}

export interface V2Image {
  width: number;
  height: number;
  /** Channels of the original: 1 gray, 3 RGB, 4 RGBA (then an alpha plane is stored). */
  channels: OutputChannels;
  /** The original's EXIF block; an empty one is not stored. */
  exif?: Uint8Array;
  /** ICC profile; an empty one is not stored. */
  icc?: Uint8Array;
  /** Entropy-coded alpha plane, present iff channels === 4. */
  alpha?: Uint8Array;
  /** The latent streams in the family's order (z then y for the hyperprior: the longest last), 1 to 4, none empty. */
  streams: Uint8Array[];
}

export type V2PackImage = V2Image & { name?: string };

/** Where an image's bytes sit in a pack, from its index entry. */
export interface V2PackEntry {
  width: number;
  height: number;
  channels: OutputChannels;
  streamLengths: number[];
  alphaLength: number;
  exifLength: number;
  iccLength: number;
  /** Present when the pack carries names and this one is not empty. */
  name?: string;
  /** File offset of the image's first stream. */
  offset: number;
}

export interface V2PackHeader {
  params: V2Params;
  count: number;
  blockSize: number;
  streams: number;
  entries: V2PackEntry[];
  /** Byte range of each block (its images' bytes, then its CRC32). */
  blocks: Array<{ offset: number; length: number; first: number; count: number }>;
  /** Bytes of the header, index and names, including the header CRC32. */
  headerLength: number;
  /** Bytes the whole pack must have. */
  totalLength: number;
}

export interface V2Pack {
  params: V2Params;
  count: number;
  header: V2PackHeader;
  /** Image i, after checking the CRC of its block (once per block); views into the pack's bytes. */
  image(i: number): V2PackImage;
}

/** The tag of a model hash: its first 6 bytes when it is hex, else the first 6 of SHA-256 of it. */
export function modelTag(hashHex: string): Uint8Array {
  if (/^[0-9a-f]{12,}$/i.test(hashHex)) return Uint8Array.from(Buffer.from(hashHex.slice(0, 2 * MODEL_TAG_BYTES), 'hex'));
  return Uint8Array.from(createHash('sha256').update(hashHex, 'utf8').digest().subarray(0, MODEL_TAG_BYTES));
}

/** True when bytes start with the version 2 magic (the reader then checks the version nibble). */
export function isV2(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === V2_MAGIC[0] && bytes[1] === V2_MAGIC[1];
}

/** True when bytes start with the version 2 magic and the pack flag. */
export function isPackV2(bytes: Uint8Array): boolean {
  return isV2(bytes) && bytes.length >= 3 && (bytes[2]! & F_PACK) !== 0;
}

const CRC16_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[n] = c;
  }
  return t;
})();

/** CRC-16/IBM-3740 (a.k.a. CCITT-FALSE: polynomial 0x1021, init 0xffff), check value 29b1. */
export function crc16(bytes: Uint8Array): number {
  let c = 0xffff;
  for (let i = 0; i < bytes.length; i++) c = ((c << 8) & 0xffff) ^ CRC16_TABLE[((c >>> 8) ^ bytes[i]!) & 0xff]!;
  return c;
}

/** Bytes of the check that ends a single file of `total` bytes. */
export function singleCheckBytes(total: number): 2 | 4 {
  return total <= SHORT_CHECK_MAX_BYTES ? 2 : 4;
}

// ---------------------------------------------------------------------------------------------
// Writing (bad arguments are programming errors: RangeError)

function checkParams(p: V2Params): void {
  if (!Number.isInteger(p.family) || p.family < 0 || p.family > MAX_FAMILY) throw new RangeError(`family must be 0 to ${MAX_FAMILY}`);
  if (p.tag.length !== MODEL_TAG_BYTES) throw new RangeError(`model tag must be ${MODEL_TAG_BYTES} bytes`);
  if (!Number.isInteger(p.quality) || p.quality < 1 || p.quality > 100) throw new RangeError('quality must be 1 to 100');
}

/** The stored chunks of an image besides its streams, in file order. */
function sides(img: V2Image): Uint8Array[] {
  return [img.alpha, img.exif, img.icc].filter((c): c is Uint8Array => c !== undefined && c.length > 0);
}

function imageFlags(img: V2Image): number {
  const { width: w, height: h } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS_SETTING) {
    throw new RangeError(`bad image size ${w}x${h}`);
  }
  const code = CHANNEL_CODES.indexOf(img.channels);
  if (code < 0) throw new RangeError(`bad channel count ${img.channels}`);
  if ((img.channels === 4) !== (img.alpha !== undefined && img.alpha.length > 0))
    throw new RangeError('a non-empty alpha plane goes with 4 channels, and only then');
  if (img.streams.length < 1 || img.streams.length > MAX_STREAMS) throw new RangeError(`an image has 1 to ${MAX_STREAMS} streams`);
  if (img.streams.some((s) => s.length === 0)) throw new RangeError('streams may not be empty');
  return code | (img.exif?.length ? IMG_EXIF : 0) | (img.icc?.length ? IMG_ICC : 0);
}

function writePrefix(w: ByteWriter, p: V2Params, flags: number, streams: number, low: number): void {
  checkParams(p);
  w.bytes(V2_MAGIC)
    .u8((FORMAT_V2 << 4) | ((streams - 1) << STREAMS_SHIFT) | flags)
    .u8((p.family << 4) | low)
    .bytes(p.tag)
    .u8(p.quality);
}

function writeSideLengths(w: ByteWriter, img: V2Image): void {
  for (const c of sides(img)) w.varint(c.length);
}

export function writeSingleV2(params: V2Params, image: V2Image): Uint8Array {
  const w = new ByteWriter();
  writePrefix(w, params, 0, image.streams.length, imageFlags(image));
  w.varint(image.width).varint(image.height);
  // The last stream's length is implicit: whatever lies between the others and the side chunks.
  for (const s of image.streams.slice(0, -1)) w.varint(s.length);
  writeSideLengths(w, image);
  for (const s of image.streams) w.bytes(s);
  for (const c of sides(image)) w.bytes(c);
  const body = w.finish();
  const check = singleCheckBytes(body.length + 2);
  const out = new Uint8Array(body.length + check);
  out.set(body);
  const view = new DataView(out.buffer);
  if (check === 2) view.setUint16(body.length, crc16(body), true);
  else view.setUint32(body.length, crc32(body), true);
  return out;
}

export interface PackOptionsV2 {
  /** Images per CRC-checked block (default 64): a reader checks one block to trust one image. */
  blockSize?: number;
}

function cleanName(name: string | undefined): string {
  return (name ?? '').replace(/[\n\r]/g, ' ');
}

export function writePackV2(params: V2Params, images: V2PackImage[], options: PackOptionsV2 = {}): Uint8Array {
  const n = images.length;
  if (n < 1 || n > MAX_PACK_IMAGES) throw new RangeError(`a pack holds 1 to ${MAX_PACK_IMAGES} images`);
  const streams = images[0]!.streams.length;
  if (images.some((i) => i.streams.length !== streams)) throw new RangeError('every image of a pack has the same number of streams');
  const blockSize = Math.min(options.blockSize ?? DEFAULT_BLOCK_SIZE, n);
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError('block size must be a positive integer');
  const named = images.some((i) => cleanName(i.name) !== '');
  const w = new ByteWriter();
  writePrefix(w, params, F_PACK | (named ? F_NAMES : 0), streams, 0);
  w.varint(n).varint(blockSize);
  for (const img of images) {
    w.varint(img.width).varint(img.height).u8(imageFlags(img));
    for (const s of img.streams) w.varint(s.length);
    writeSideLengths(w, img);
  }
  if (named) {
    const raw = Buffer.from(images.map((i) => cleanName(i.name)).join('\n'), 'utf8');
    if (raw.length > Math.min(MAX_NAMES_BYTES, n * MAX_NAME_BYTES_PER_IMAGE)) throw new RangeError('names too long');
    const packed = brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } });
    w.varint(raw.length).varint(packed.length).bytes(packed);
  }
  w.u32(crc32(w.finish()));
  for (let first = 0; first < n; first += blockSize) {
    const area = new ByteWriter();
    for (const img of images.slice(first, first + blockSize)) {
      for (const s of img.streams) area.bytes(s);
      for (const c of sides(img)) area.bytes(c);
    }
    const bytes = area.finish();
    w.bytes(bytes).u32(crc32(bytes));
  }
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Reading

function fail(problem: LatentProblem, label: string, what: string): never {
  throw new LatentFormatError(problem, `${label}: ${what}`);
}

/** Unsigned LEB128 of at most 8 bytes in its shortest form (one encoding per value). */
function varint(r: ByteReader, label: string, what: string): number {
  let v = 0;
  let scale = 1;
  for (let k = 0; k < 8; k++) {
    const b = r.u8();
    v += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (b === 0 && k > 0) fail('corrupt', label, `corrupt header (${what} is an overlong varint)`);
      return v;
    }
    scale *= 0x80;
  }
  fail('corrupt', label, `corrupt header (${what} overflows)`);
}

function count(r: ByteReader, min: number, max: number, label: string, what: string): number {
  const v = varint(r, label, what);
  if (v < min || v > max) fail('corrupt', label, `corrupt header (${what} ${v}, allowed ${min} to ${max})`);
  return v;
}

/** Wraps a parse so running out of bytes is reported as truncation. */
function parsing<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OutOfBytes) fail('truncated', label, 'truncated (the file ends inside its header)');
    throw err;
  }
}

interface Prefix {
  params: V2Params;
  flags: number;
  streams: number;
  /** Low nibble of byte 3: image flags of a single file, zero in a pack. */
  low: number;
}

function versionOf(label: string, nibble: number): void {
  if (nibble > FORMAT_V2) fail('version', label, `unsupported .latent format version ${nibble} (this studio reads versions 1 and 2)`);
  if (nibble < FORMAT_V2) fail('corrupt', label, `corrupt header (version ${nibble} under the version 2 magic)`);
}

function readPrefix(r: ByteReader, label: string): Prefix {
  if (!isV2(r.buf.subarray(r.pos, r.end))) fail('not-latent', label, 'not a .latent file');
  r.pos += 2;
  const b2 = r.u8();
  versionOf(label, b2 >>> 4);
  const b3 = r.u8();
  const tag = Uint8Array.from(r.bytes(MODEL_TAG_BYTES));
  const quality = r.u8();
  if (quality < 1 || quality > 100) fail('corrupt', label, `corrupt header (quality ${quality}, allowed 1 to 100)`);
  return {
    params: { family: b3 >>> 4, tag, quality },
    flags: b2 & (F_PACK | F_NAMES),
    streams: ((b2 >>> STREAMS_SHIFT) & 3) + 1,
    low: b3 & 0xf,
  };
}

interface Sizes {
  width: number;
  height: number;
  channels: OutputChannels;
  exif: boolean;
  icc: boolean;
}

function readDims(r: ByteReader, label: string): { width: number; height: number } {
  const width = count(r, 1, MAX_SIDE, label, 'width');
  const height = count(r, 1, MAX_SIDE, label, 'height');
  if (width * height > MAX_PIXELS_SETTING)
    fail('corrupt', label, `corrupt header (${width}x${height} is over ${MAX_PIXELS_SETTING / 1e6} megapixels)`);
  return { width, height };
}

function sizes(dims: { width: number; height: number }, flags: number, label: string): Sizes {
  const channels = CHANNEL_CODES[flags & IMG_CHANNELS];
  if (channels === undefined || (flags & ~(IMG_CHANNELS | IMG_EXIF | IMG_ICC)) !== 0) {
    fail('corrupt', label, `corrupt header (bad image flags 0x${flags.toString(16)})`);
  }
  return { ...dims, channels, exif: (flags & IMG_EXIF) !== 0, icc: (flags & IMG_ICC) !== 0 };
}

interface SideLengths {
  alpha: number;
  exif: number;
  icc: number;
}

function readSideLengths(r: ByteReader, s: Sizes, label: string): SideLengths {
  return {
    alpha: s.channels === 4 ? count(r, 1, MAX_CHUNK, label, 'alpha plane length') : 0,
    exif: s.exif ? count(r, 1, MAX_CHUNK, label, 'EXIF length') : 0,
    icc: s.icc ? count(r, 1, MAX_CHUNK, label, 'ICC profile length') : 0,
  };
}

/** Builds an image from its chunk lengths, taking views from r in file order. */
function sliceImage(r: ByteReader, s: Sizes, streamLengths: number[], side: SideLengths): V2Image {
  const streams = streamLengths.map((len) => r.bytes(len));
  const alpha = side.alpha ? r.bytes(side.alpha) : undefined;
  const exif = side.exif ? r.bytes(side.exif) : undefined;
  const icc = side.icc ? r.bytes(side.icc) : undefined;
  return {
    width: s.width,
    height: s.height,
    channels: s.channels,
    ...(exif ? { exif } : {}),
    ...(icc ? { icc } : {}),
    ...(alpha ? { alpha } : {}),
    streams,
  };
}

/** Parses and verifies a whole single-image file; the image's chunks are views into bytes. */
export function readSingleV2(bytes: Uint8Array, label: string): { params: V2Params; image: V2Image; bytes: number } {
  return parsing(label, () => {
    const total = bytes.length;
    const pre = readPrefix(new ByteReader(bytes), label);
    if (pre.flags & F_PACK) fail('corrupt', label, 'is a .latent pack, not a single image');
    if (pre.flags & F_NAMES) fail('corrupt', label, 'corrupt header (names flag on a single image)');
    const check = singleCheckBytes(total);
    if (total < PREFIX_BYTES + check) fail('truncated', label, 'truncated (the file ends inside its header)');
    // The rest is read from the bytes before the check, so the check is never misread as a length.
    const bodyEnd = total - check;
    const r = new ByteReader(bytes, PREFIX_BYTES, bodyEnd);
    const size = sizes(readDims(r, label), pre.low, label);
    let explicit = 0;
    const lengths: number[] = [];
    for (let s = 0; s < pre.streams - 1; s++) {
      const len = count(r, 1, MAX_CHUNK, label, 'stream length');
      lengths.push(len);
      explicit += len;
    }
    const side = readSideLengths(r, size, label);
    explicit += side.alpha + side.exif + side.icc;
    const last = r.remaining - explicit;
    if (last < 1) fail('truncated', label, `truncated (${total} of at least ${total - last + 1} bytes)`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stored = check === 2 ? view.getUint16(bodyEnd, true) : view.getUint32(bodyEnd, true);
    const body = bytes.subarray(0, bodyEnd);
    if ((check === 2 ? crc16(body) : crc32(body)) !== stored) fail('crc', label, 'CRC mismatch (the file is corrupt)');
    lengths.push(last);
    return { params: pre.params, image: sliceImage(r, size, lengths, side), bytes: total };
  });
}

function readNames(r: ByteReader, n: number, label: string): () => string[] {
  const rawLen = count(r, 0, Math.min(MAX_NAMES_BYTES, n * MAX_NAME_BYTES_PER_IMAGE), label, 'names length');
  const packed = r.bytes(count(r, 1, MAX_NAMES_BYTES, label, 'packed names length'));
  // Unpacked only once the header CRC has been checked.
  return () => {
    let raw: Buffer;
    try {
      raw = brotliDecompressSync(packed, { maxOutputLength: Math.max(1, rawLen) });
    } catch {
      fail('corrupt', label, 'corrupt names chunk');
    }
    if (raw.length !== rawLen) fail('corrupt', label, 'corrupt names chunk');
    const names = raw.toString('utf8').split('\n');
    if (names.length !== n) fail('corrupt', label, 'corrupt names chunk (wrong count)');
    return names;
  };
}

/**
 * Parses a pack's header, index and names from its first bytes (the whole pack is fine too) and
 * verifies the header CRC. Throws a 'truncated' LatentFormatError when `head` ends inside them.
 */
export function readPackHeaderV2(head: Uint8Array, label: string): V2PackHeader {
  return parsing(label, () => {
    const r = new ByteReader(head);
    const pre = readPrefix(r, label);
    if (!(pre.flags & F_PACK)) fail('corrupt', label, 'is a single-image .latent file, not a pack');
    if (pre.low !== 0) fail('corrupt', label, 'corrupt header (image flags in a pack header)');
    const n = count(r, 1, MAX_PACK_IMAGES, label, 'image count');
    // An index entry takes at least 3 + streams bytes: the count cannot promise more than the bytes hold.
    if (n * (3 + pre.streams) > r.remaining) fail('truncated', label, 'truncated (the file ends inside its index)');
    const blockSize = count(r, 1, n, label, 'block size');
    const index: Array<{ size: Sizes; streamLengths: number[]; side: SideLengths }> = [];
    for (let i = 0; i < n; i++) {
      const dims = readDims(r, label);
      const size = sizes(dims, r.u8(), label);
      const streamLengths: number[] = [];
      for (let s = 0; s < pre.streams; s++) streamLengths.push(count(r, 1, MAX_CHUNK, label, 'stream length'));
      index.push({ size, streamLengths, side: readSideLengths(r, size, label) });
    }
    const names = pre.flags & F_NAMES ? readNames(r, n, label) : undefined;
    const crcAt = r.pos;
    if (crc32(head.subarray(0, crcAt)) !== r.u32()) fail('crc', label, 'CRC mismatch in the pack header (the file is corrupt)');
    const nameList = names?.();
    const headerLength = r.pos;
    const entries: V2PackEntry[] = [];
    const blocks: V2PackHeader['blocks'] = [];
    let offset = headerLength;
    for (let first = 0; first < n; first += blockSize) {
      const start = offset;
      for (let i = first; i < Math.min(n, first + blockSize); i++) {
        const { size, streamLengths, side } = index[i]!;
        const name = nameList?.[i];
        entries.push({
          width: size.width,
          height: size.height,
          channels: size.channels,
          streamLengths,
          alphaLength: side.alpha,
          exifLength: side.exif,
          iccLength: side.icc,
          ...(name ? { name } : {}),
          offset,
        });
        // Each image adds under 2^43, so checking the running sum keeps it exact.
        offset += streamLengths.reduce((a, b) => a + b, 0) + side.alpha + side.exif + side.icc;
        if (offset > MAX_PACK_BYTES) fail('corrupt', label, 'corrupt header (the pack declares more than 4 PiB)');
      }
      offset += 4;
      blocks.push({ offset: start, length: offset - start, first, count: Math.min(blockSize, n - first) });
    }
    return { params: pre.params, count: n, blockSize, streams: pre.streams, entries, blocks, headerLength, totalLength: offset };
  });
}

/** Parses a whole pack held in memory and checks its size; images are checked and sliced on demand. */
export function readPackV2(bytes: Uint8Array, label: string): V2Pack {
  const header = readPackHeaderV2(bytes, label);
  if (bytes.length < header.totalLength) fail('truncated', label, `truncated (${bytes.length} of ${header.totalLength} bytes)`);
  if (bytes.length > header.totalLength) {
    fail('trailing', label, `corrupt (${bytes.length - header.totalLength} unexpected bytes after the end)`);
  }
  const checked = new Uint8Array(header.blocks.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    params: header.params,
    count: header.count,
    header,
    image(i: number): V2PackImage {
      const e = header.entries[i];
      if (!Number.isInteger(i) || !e) throw new RangeError(`no image ${i} in a pack of ${header.count}`);
      const b = Math.floor(i / header.blockSize);
      if (!checked[b]) {
        const { offset, length } = header.blocks[b]!;
        const end = offset + length - 4;
        if (crc32(bytes.subarray(offset, end)) !== view.getUint32(end, true)) {
          fail('crc', label, `CRC mismatch in block ${b} (the file is corrupt)`);
        }
        checked[b] = 1;
      }
      const r = new ByteReader(bytes, e.offset);
      const side = { alpha: e.alphaLength, exif: e.exifLength, icc: e.iccLength };
      const size: Sizes = { width: e.width, height: e.height, channels: e.channels, exif: e.exifLength > 0, icc: e.iccLength > 0 };
      return { ...sliceImage(r, size, e.streamLengths, side), ...(e.name ? { name: e.name } : {}) };
    },
  };
}

/**
 * Which format a file is, from its first bytes: 1 ("LATN", version byte 1) or 2 (4c b2, version
 * nibble 2). Anything else is refused: 'not-latent', or 'version' for a later version.
 */
export function latentVersion(bytes: Uint8Array, label: string): 1 | 2 {
  if (bytes.length >= LATENT_MAGIC.length && LATENT_MAGIC.every((b, i) => bytes[i] === b)) {
    if (bytes.length === LATENT_MAGIC.length) fail('truncated', label, 'truncated (the file ends inside its header)');
    const v = bytes[LATENT_MAGIC.length]!;
    if (v !== 1) fail('version', label, `unsupported .latent format version ${v} (this studio reads versions 1 and 2)`);
    return 1;
  }
  if (isV2(bytes)) {
    if (bytes.length === V2_MAGIC.length) fail('truncated', label, 'truncated (the file ends inside its header)');
    versionOf(label, bytes[2]! >>> 4);
    return 2;
  }
  return fail('not-latent', label, 'not a .latent file');
}
