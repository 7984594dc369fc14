// The .latent container: one image per file, or a pack of many images of one dataset behind a
// single header with an index for random access. The byte layout is documented in
// docs/latent-format.md; FORMAT_VERSION below is the one place the version is defined.
// Parsing is defensive: every length is checked against the bytes that remain before anything is
// sliced or allocated, reserved bits must be zero, and checksums are verified before the contents
// are trusted. Problems surface as LatentFormatError (a StudioError naming the file).
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { StudioError } from '../contract/errors.js';
import { MAX_PIXELS_SETTING } from '../contract/limits.js';
import { unsafeNameChar } from '../contract/text.js';
import { ByteReader, ByteWriter, OutOfBytes } from './bytes.js';
import { crc32 } from '../system/crc32.js';
import { MAX_CHANNELS, predictorFromId, predictorId, type Predictor } from './grid-coder.js';

/** "LATN". */
export const LATENT_MAGIC = Uint8Array.of(0x4c, 0x41, 0x54, 0x4e);
/** The container format version this studio writes and reads: the single source of truth. */
export const FORMAT_VERSION = 1;
/** Bytes of the decoder weights hash kept in each file (64 bits: a mismatch goes unnoticed with odds 2^-64). */
export const WEIGHTS_TAG_BYTES = 8;
export const MAX_SIDE = 1 << 20;
/** Largest tile edge a file may declare. */
export const MAX_TILE = 1 << 16;
/** Largest uncompressed names chunk of a pack. */
const MAX_NAMES_BYTES = 64 << 20;
const MAX_MODEL_ID_BYTES = 255;
/** Largest length any one chunk may declare (keeps offset arithmetic exact). */
const MAX_CHUNK = 2 ** 40;

const FLAG_PACK = 1;
const FLAG_NAMES = 2;
const KNOWN_FLAGS = FLAG_PACK | FLAG_NAMES;
const IMG_EXIF = 4;
const IMG_ICC = 8;
const CHANNEL_CODES = [1, 3, 4] as const;

export type OutputChannels = 1 | 3 | 4;

/** Why a file was refused (tests and the UI branch on it; the message is for people). */
export type LatentProblem = 'not-latent' | 'version' | 'truncated' | 'trailing' | 'crc' | 'corrupt';

export class LatentFormatError extends StudioError {
  constructor(
    readonly problem: LatentProblem,
    message: string,
  ) {
    super(problem === 'version' ? 'unsupported' : 'bad-request', message);
    this.name = 'LatentFormatError';
  }
}

/** How the code was made: which model, quantization and entropy-coder settings. */
export interface CodeParams {
  modelId: string;
  /** First WEIGHTS_TAG_BYTES of the model's weights hash (see weightsTag). */
  weightsTag: Uint8Array;
  predictor: Predictor;
  /** Code channels per grid cell. */
  codeChannels: number;
  /** Tile edge the model encodes with (dense on tiles), 0 when it takes the whole image. */
  tile: number;
  /** Quantization step: symbol = round(latent / step). */
  step: number;
}

export interface ImageEntry {
  width: number;
  height: number;
  /** Channels of the original: 1 gray, 3 RGB, 4 RGBA (then an alpha plane is stored). */
  channels: OutputChannels;
  /** Code grid size. */
  gh: number;
  gw: number;
  exif?: Uint8Array;
  icc?: Uint8Array;
}

export interface SingleLatent {
  kind: 'single';
  params: CodeParams;
  image: ImageEntry;
  payload: Uint8Array;
  /** Entropy-coded alpha plane, present iff image.channels === 4. */
  alpha?: Uint8Array;
  /** Total file bytes. */
  bytes: number;
}

/** The digest of a weights hash kept in files: its first 8 bytes when it is hex, else SHA-256 of it. */
export function weightsTag(weightsHash: string): Uint8Array {
  if (/^[0-9a-f]{16,}$/i.test(weightsHash)) return Uint8Array.from(Buffer.from(weightsHash.slice(0, 2 * WEIGHTS_TAG_BYTES), 'hex'));
  return Uint8Array.from(createHash('sha256').update(weightsHash, 'utf8').digest().subarray(0, WEIGHTS_TAG_BYTES));
}

export function tagHex(tag: Uint8Array): string {
  return Buffer.from(tag).toString('hex');
}

/** Whether a file's tag (8 bytes in v1, 6 in v2: both prefixes of the same digest) names this weights hash. */
export function tagMatches(weightsHash: string, tag: Uint8Array): boolean {
  return tag.length > 0 && tagHex(weightsTag(weightsHash)).startsWith(tagHex(tag));
}

// ---------------------------------------------------------------------------------------------
// Writing

function writeCommon(w: ByteWriter, p: CodeParams, flags: number): void {
  const id = Buffer.from(p.modelId, 'utf8');
  if (id.length < 1 || id.length > MAX_MODEL_ID_BYTES) throw new RangeError(`model id must be 1 to ${MAX_MODEL_ID_BYTES} bytes`);
  if (p.weightsTag.length !== WEIGHTS_TAG_BYTES) throw new RangeError('weights tag must be 8 bytes');
  if (!(p.step > 0) || !Number.isFinite(p.step) || Math.fround(p.step) !== p.step) throw new RangeError('step must be a positive float32');
  w.bytes(LATENT_MAGIC).u8(FORMAT_VERSION).u8(flags).u8(id.length).bytes(id).bytes(p.weightsTag);
  w.u8(predictorId(p.predictor)).varint(p.codeChannels).varint(p.tile).f32(p.step);
}

function imageByte(e: ImageEntry): number {
  const code = CHANNEL_CODES.indexOf(e.channels);
  if (code < 0) throw new RangeError(`bad channel count ${e.channels}`);
  return code | (e.exif ? IMG_EXIF : 0) | (e.icc ? IMG_ICC : 0);
}

function writeEntry(w: ByteWriter, e: ImageEntry, alphaLen: number): void {
  w.varint(e.width).varint(e.height).u8(imageByte(e)).varint(e.gh).varint(e.gw);
  if (e.channels === 4) w.varint(alphaLen);
  if (e.exif) w.varint(e.exif.length);
  if (e.icc) w.varint(e.icc.length);
}

function checkAlpha(e: ImageEntry, alpha: Uint8Array | undefined): void {
  if ((e.channels === 4) !== Boolean(alpha)) throw new RangeError('an alpha plane goes with 4 channels, and only then');
}

export function writeSingle(latent: Omit<SingleLatent, 'kind' | 'bytes'>): Uint8Array {
  const { params, image, payload, alpha } = latent;
  checkAlpha(image, alpha);
  const w = new ByteWriter();
  writeCommon(w, params, 0);
  writeEntry(w, image, alpha?.length ?? 0);
  w.varint(payload.length);
  w.bytes(payload);
  if (alpha) w.bytes(alpha);
  if (image.exif) w.bytes(image.exif);
  if (image.icc) w.bytes(image.icc);
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body), true);
  return out;
}

export interface PackImageInput {
  entry: ImageEntry;
  alpha?: Uint8Array;
  name?: string;
}

/** `blocks[b]` is the entropy-coded payload of images [b*blockSize, (b+1)*blockSize). */
export function writePack(params: CodeParams, images: PackImageInput[], blockSize: number, blocks: Uint8Array[]): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError('block size must be a positive integer');
  if (blocks.length !== Math.ceil(images.length / blockSize)) throw new RangeError('one payload per block');
  const named = images.some((i) => i.name !== undefined);
  const w = new ByteWriter();
  writeCommon(w, params, FLAG_PACK | (named ? FLAG_NAMES : 0));
  w.varint(images.length).varint(blockSize);
  for (const img of images) {
    checkAlpha(img.entry, img.alpha);
    writeEntry(w, img.entry, img.alpha?.length ?? 0);
  }
  for (const b of blocks) w.varint(b.length);
  if (named) {
    const raw = Buffer.from(images.map((i) => (i.name ?? '').replace(/[\n\r]/g, ' ')).join('\n'), 'utf8');
    const packed = brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } });
    w.varint(raw.length).varint(packed.length).bytes(packed);
  }
  w.u32(crc32(w.finish()));
  for (let b = 0; b < blocks.length; b++) {
    const area = new ByteWriter();
    area.bytes(blocks[b]!);
    for (const img of images.slice(b * blockSize, (b + 1) * blockSize)) {
      if (img.alpha) area.bytes(img.alpha);
      if (img.entry.exif) area.bytes(img.entry.exif);
      if (img.entry.icc) area.bytes(img.entry.icc);
    }
    const bytes = area.finish();
    w.bytes(bytes).u32(crc32(bytes));
  }
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Reading

interface RawEntry extends Omit<ImageEntry, 'exif' | 'icc'> {
  alphaLen: number;
  exifLen: number;
  iccLen: number;
}

/** Header of a pack: everything needed to find and decode any one image. */
export interface PackHeader {
  kind: 'pack';
  params: CodeParams;
  blockSize: number;
  images: Array<Omit<ImageEntry, 'exif' | 'icc'> & { name?: string; alphaLen: number; exifLen: number; iccLen: number }>;
  /** Byte range of each block area in the file (payload, side data, then its CRC). */
  blocks: Array<{ offset: number; length: number; payloadLength: number; first: number; count: number }>;
  headerLength: number;
  /** Bytes the whole pack must have. */
  totalLength: number;
}

export interface PackBlock {
  payload: Uint8Array;
  /** Side data per image of the block, in order. */
  sides: Array<{ alpha?: Uint8Array; exif?: Uint8Array; icc?: Uint8Array }>;
}

function fail(problem: LatentProblem, label: string, what: string): never {
  throw new LatentFormatError(problem, `${label}: ${what}`);
}

/** Reads a bounded count; anything above max (or an overlong varint) means a corrupt field. */
function count(r: ByteReader, min: number, max: number, label: string, what: string): number {
  const v = r.varint();
  if (!(v >= min && v <= max))
    fail('corrupt', label, `corrupt header (${what} ${Number.isFinite(v) ? v : 'overflows'}, allowed ${min} to ${max})`);
  return v;
}

function readPrelude(r: ByteReader, label: string): number {
  if (r.remaining < 4 || !LATENT_MAGIC.every((b, i) => r.buf[r.pos + i] === b)) fail('not-latent', label, 'not a .latent file');
  r.pos += 4;
  if (r.remaining < 1) fail('truncated', label, 'truncated (the file ends inside its header)');
  const version = r.u8();
  if (version !== FORMAT_VERSION) {
    fail('version', label, `unsupported .latent format version ${version} (this studio reads version ${FORMAT_VERSION})`);
  }
  return version;
}

function readCommon(r: ByteReader, label: string): { params: CodeParams; flags: number } {
  const flags = r.u8();
  if ((flags & ~KNOWN_FLAGS) !== 0) fail('corrupt', label, `corrupt header (unknown flags 0x${flags.toString(16)})`);
  const idLen = r.u8();
  if (idLen === 0) fail('corrupt', label, 'corrupt header (empty model id)');
  const idBytes = r.bytes(idLen);
  let modelId: string;
  try {
    modelId = new TextDecoder('utf-8', { fatal: true }).decode(idBytes);
  } catch {
    fail('corrupt', label, 'corrupt header (model id is not UTF-8)');
  }
  // Controls would break one-line messages naming the model; bidi controls would disguise it.
  if (unsafeNameChar(modelId) !== null)
    fail('corrupt', label, 'corrupt header (model id holds control or bidirectional-control characters)');
  const tag = Uint8Array.from(r.bytes(WEIGHTS_TAG_BYTES));
  const pred = predictorFromId(r.u8());
  if (!pred) fail('corrupt', label, 'corrupt header (unknown entropy-coder predictor)');
  const codeChannels = count(r, 1, MAX_CHANNELS, label, 'code channels');
  const tile = count(r, 0, MAX_TILE, label, 'tile');
  const step = r.f32();
  if (!(step > 0) || !Number.isFinite(step)) fail('corrupt', label, `corrupt header (quantization step ${step})`);
  return { flags, params: { modelId, weightsTag: tag, predictor: pred, codeChannels, tile, step } };
}

function readEntry(r: ByteReader, params: CodeParams, label: string): RawEntry {
  const width = count(r, 1, MAX_SIDE, label, 'width');
  const height = count(r, 1, MAX_SIDE, label, 'height');
  if (width * height > MAX_PIXELS_SETTING)
    fail('corrupt', label, `corrupt header (${width}x${height} is over ${MAX_PIXELS_SETTING / 1e6} megapixels)`);
  const b = r.u8();
  const channels = CHANNEL_CODES[b & 3];
  if (channels === undefined || (b & ~(3 | IMG_EXIF | IMG_ICC)) !== 0) fail('corrupt', label, 'corrupt header (bad image flags)');
  // A code cell covers at least one pixel, and the code is never far bigger than the pixels.
  const gh = count(r, 1, height, label, 'code grid height');
  const gw = count(r, 1, width, label, 'code grid width');
  if (gh * gw * params.codeChannels > Math.max(4096, 4 * width * height * channels)) {
    fail('corrupt', label, `corrupt header (code grid ${gh}x${gw}x${params.codeChannels} is too large for ${width}x${height})`);
  }
  const alphaLen = channels === 4 ? count(r, 1, MAX_CHUNK, label, 'alpha plane length') : 0;
  const exifLen = b & IMG_EXIF ? count(r, 1, MAX_CHUNK, label, 'EXIF length') : 0;
  const iccLen = b & IMG_ICC ? count(r, 1, MAX_CHUNK, label, 'ICC profile length') : 0;
  return { width, height, channels, gh, gw, alphaLen, exifLen, iccLen };
}

/** Wraps a parse so running out of bytes is reported as truncation. */
function parsing<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OutOfBytes) fail('truncated', label, 'truncated (the file ends before its declared size)');
    throw err;
  }
}

export type LatentHeader = SingleLatent | PackHeader;

/** True when bytes start with the .latent magic and the pack flag. */
export function isPack(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && LATENT_MAGIC.every((b, i) => bytes[i] === b) && (bytes[5]! & FLAG_PACK) !== 0;
}

/** Parses and verifies a whole single-image file. */
export function readSingle(bytes: Uint8Array, label: string): SingleLatent {
  return parsing(label, () => {
    const r = new ByteReader(bytes);
    readPrelude(r, label);
    const { params, flags } = readCommon(r, label);
    if (flags & FLAG_PACK) fail('corrupt', label, 'is a .latent pack, not a single image');
    if (flags !== 0) fail('corrupt', label, 'corrupt header (pack flags on a single image)');
    const e = readEntry(r, params, label);
    const payloadLen = count(r, 5, MAX_CHUNK, label, 'payload length');
    const declared = r.pos + payloadLen + e.alphaLen + e.exifLen + e.iccLen + 4;
    if (declared > bytes.length) fail('truncated', label, `truncated (${bytes.length} of ${declared} bytes)`);
    if (declared < bytes.length) fail('trailing', label, `corrupt (${bytes.length - declared} unexpected bytes after the end)`);
    const stored = new DataView(bytes.buffer, bytes.byteOffset).getUint32(declared - 4, true);
    if (crc32(bytes.subarray(0, declared - 4)) !== stored) fail('crc', label, 'CRC mismatch (the file is corrupt)');
    const payload = r.bytes(payloadLen);
    const alpha = e.alphaLen ? r.bytes(e.alphaLen) : undefined;
    const exif = e.exifLen ? r.bytes(e.exifLen) : undefined;
    const icc = e.iccLen ? r.bytes(e.iccLen) : undefined;
    const image: ImageEntry = {
      width: e.width,
      height: e.height,
      channels: e.channels,
      gh: e.gh,
      gw: e.gw,
      ...(exif ? { exif } : {}),
      ...(icc ? { icc } : {}),
    };
    return { kind: 'single', params, image, payload, ...(alpha ? { alpha } : {}), bytes: bytes.length };
  });
}

/**
 * Parses a pack header from the first bytes of a pack (the whole file is fine too) and verifies
 * its CRC. Throws a 'truncated' LatentFormatError when `head` ends inside the header.
 */
export function readPackHeader(head: Uint8Array, label: string): PackHeader {
  return parsing(label, () => {
    const r = new ByteReader(head);
    readPrelude(r, label);
    const { params, flags } = readCommon(r, label);
    if (!(flags & FLAG_PACK)) fail('corrupt', label, 'is a single-image .latent file, not a pack');
    // Each index entry takes at least 6 bytes, so the count cannot promise more than the bytes hold.
    const n = count(r, 1, 2 ** 32, label, 'image count');
    const blockSize = count(r, 1, n, label, 'block size');
    const images: PackHeader['images'] = [];
    for (let i = 0; i < n; i++) images.push(readEntry(r, params, label));
    const nBlocks = Math.ceil(n / blockSize);
    const payloadLens: number[] = [];
    for (let b = 0; b < nBlocks; b++) payloadLens.push(count(r, 5, MAX_CHUNK, label, 'block length'));
    if (flags & FLAG_NAMES) {
      const rawLen = count(r, 0, Math.min(MAX_NAMES_BYTES, n * 4096), label, 'names length');
      const packedLen = count(r, 1, MAX_NAMES_BYTES, label, 'packed names length');
      const packed = r.bytes(packedLen);
      const crcAt = r.pos;
      const stored = r.u32();
      if (crc32(head.subarray(0, crcAt)) !== stored) fail('crc', label, 'CRC mismatch in the pack header (the file is corrupt)');
      let raw: Buffer;
      try {
        raw = brotliDecompressSync(packed, { maxOutputLength: Math.max(1, rawLen) });
      } catch {
        fail('corrupt', label, 'corrupt names chunk');
      }
      if (raw.length !== rawLen) fail('corrupt', label, 'corrupt names chunk');
      const names = raw.toString('utf8').split('\n');
      if (names.length !== n) fail('corrupt', label, 'corrupt names chunk (wrong count)');
      names.forEach((name, i) => (images[i]!.name = name));
    } else {
      const crcAt = r.pos;
      const stored = r.u32();
      if (crc32(head.subarray(0, crcAt)) !== stored) fail('crc', label, 'CRC mismatch in the pack header (the file is corrupt)');
    }
    const headerLength = r.pos;
    const blocks: PackHeader['blocks'] = [];
    let offset = headerLength;
    for (let b = 0; b < nBlocks; b++) {
      const first = b * blockSize;
      const cnt = Math.min(blockSize, n - first);
      let length = payloadLens[b]! + 4;
      for (let i = first; i < first + cnt; i++) length += images[i]!.alphaLen + images[i]!.exifLen + images[i]!.iccLen;
      blocks.push({ offset, length, payloadLength: payloadLens[b]!, first, count: cnt });
      offset += length;
    }
    return { kind: 'pack', params, blockSize, images, blocks, headerLength, totalLength: offset };
  });
}

/** Checks a block's CRC and splits it into its payload and per-image side data. */
export function readPackBlock(header: PackHeader, b: number, area: Uint8Array, label: string): PackBlock {
  const block = header.blocks[b];
  if (!block) throw new RangeError(`no block ${b}`);
  if (area.length < block.length) fail('truncated', label, `truncated (block ${b} has ${area.length} of ${block.length} bytes)`);
  const body = area.subarray(0, block.length - 4);
  const stored = new DataView(area.buffer, area.byteOffset).getUint32(block.length - 4, true);
  if (crc32(body) !== stored) fail('crc', label, `CRC mismatch in block ${b} (the file is corrupt)`);
  const r = new ByteReader(body);
  const payload = r.bytes(block.payloadLength);
  const sides: PackBlock['sides'] = [];
  for (let i = block.first; i < block.first + block.count; i++) {
    const e = header.images[i]!;
    const alpha = e.alphaLen ? r.bytes(e.alphaLen) : undefined;
    const exif = e.exifLen ? r.bytes(e.exifLen) : undefined;
    const icc = e.iccLen ? r.bytes(e.iccLen) : undefined;
    sides.push({ ...(alpha ? { alpha } : {}), ...(exif ? { exif } : {}), ...(icc ? { icc } : {}) });
  }
  return { payload, sides };
}

/** Parses a whole pack held in memory and checks its size (truncation, trailing bytes). */
export function readPack(bytes: Uint8Array, label: string): PackHeader {
  const h = readPackHeader(bytes, label);
  if (bytes.length < h.totalLength) fail('truncated', label, `truncated (${bytes.length} of ${h.totalLength} bytes)`);
  if (bytes.length > h.totalLength) fail('trailing', label, `corrupt (${bytes.length - h.totalLength} unexpected bytes after the end)`);
  return h;
}

/** Reads only the part common to files and packs (magic, version, model and code settings). */
export function readCommonHeader(head: Uint8Array, label: string): { params: CodeParams; pack: boolean } {
  return parsing(label, () => {
    const r = new ByteReader(head);
    readPrelude(r, label);
    const { params, flags } = readCommon(r, label);
    return { params, pack: (flags & FLAG_PACK) !== 0 };
  });
}

/** Bytes that always hold the common header: magic, version, flags, id length, id, tag, and a few varints. */
export const COMMON_HEADER_MAX = 4 + 1 + 1 + 1 + MAX_MODEL_ID_BYTES + WEIGHTS_TAG_BYTES + 1 + 3 + 3 + 4;
