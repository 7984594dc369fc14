// Saving and loading models of the learned families: card.json, params.json (the manifest: name,
// group and shape of each parameter), params.bin (float32, little-endian, in manifest order) and
// tables.bin (the CDF tables the range coder uses, built once after training). The model's hash,
// which format-v2 files carry a tag of, covers the decoder's parameters and the tables: a file can
// only be decoded by exactly the weights and tables that made it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readTables, writeTables, type CdfTable } from '../entropy/index.js';
import { codingRuntime, onnxStatus } from './coding-runtime.js';
import type { RawImage } from '../imaging/index.js';
import { StudioError } from '../contract/errors.js';
import { familyMeta } from './models/families.js';
import { sizeOf, type ParamManifestEntry, type ParamStore } from './models/layers/params.js';
import type { CodingOptions, EntropyTables, LearnedRuntime } from './models/learned.js';
import { learnedImpl } from './models/registry.js';
import type { ModelCard } from './model-card.js';
import { DEFAULT_TILING, type Tiling } from './tiling/geometry.js';

import type { TileProgress } from './tiling/tiled.js';
import { toBytes, toFloat } from '../imaging/pixels.js';

/** Tiles for onnxruntime: 512-pixel cores (a 720x360 photo is two tiles). */
const ONNX_TILING: Tiling = { core: 512 };

/** Groups the decoder never needs (its hash and its byte count leave them out). */
const ENCODER_ONLY = new Set(['analysis', 'hyper-analysis']);

interface TablesFile {
  /** Tables per group, in the family's group order. */
  groupSizes: number[];
}

function paramBytes(arrays: Float32Array[]): Buffer {
  return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

function tablesBytes(tables: EntropyTables): Buffer {
  return Buffer.from(writeTables(tables.groups.flat()));
}

/** sha256 over the decoder's parameters (manifest order) and the tables: what v2 files name. */
export function learnedHash(
  manifest: ParamManifestEntry[],
  arrays: Float32Array[],
  tables: Uint8Array,
): { hash: string; decoderBytes: number } {
  const h = createHash('sha256');
  let bytes = tables.length;
  manifest.forEach((m, i) => {
    if (ENCODER_ONLY.has(m.group)) return;
    const a = arrays[i]!;
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    bytes += a.byteLength;
  });
  h.update(tables);
  return { hash: h.digest('hex'), decoderBytes: bytes };
}

/** sha256 over every parameter (float32 bytes, manifest order): which weights a training started from. */
export function paramsHash(arrays: Float32Array[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

export async function saveLearnedDir(
  dir: string,
  params: ParamStore,
  tables: EntropyTables,
  card: ModelCard,
): Promise<{ weightsHash: string; decoderBytes: number }> {
  const tmp = `${dir}.part-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(tmp, { recursive: true });
    const manifest = params.manifest();
    const arrays = params.toArrays();
    const tbytes = tablesBytes(tables);
    const { hash, decoderBytes } = learnedHash(manifest, arrays, tbytes);
    const tfile: TablesFile = { groupSizes: tables.groups.map((g) => g.length) };
    await writeFile(path.join(tmp, 'params.json'), JSON.stringify({ manifest, tables: tfile }));
    await writeFile(path.join(tmp, 'params.bin'), paramBytes(arrays));
    await writeFile(path.join(tmp, 'tables.bin'), tbytes);
    await writeFile(path.join(tmp, 'card.json'), JSON.stringify({ ...card, decoderBytes }, null, 2));
    await rename(tmp, dir);
    return { weightsHash: hash, decoderBytes };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

export interface LearnedCodecPart {
  family: string;
  formatId: number;
  levels: number;
  compress(img: RawImage, quality: number, onProgress?: TileProgress): Promise<Uint8Array[]>;
  decompress(streams: Uint8Array[], width: number, height: number, quality: number, onProgress?: TileProgress): Promise<RawImage>;
}

export interface LearnedLoadOptions {
  /**
   * Threads an image of several tiles is spread over (default 1: tfjs in the calling thread). A
   * single image wants the cores; a batch worker, already one of many, wants 1.
   */
  workers?: number;
  /** Tile size (default DEFAULT_TILING; tests use small tiles). */
  tiling?: Tiling;
  /** false: the transforms run on tfjs even where onnxruntime-node loads (default: onnxruntime where it loads). */
  onnx?: boolean;
}

export interface LoadedLearned {
  runtime: LearnedRuntime<{ arch: string }>;
  weightsHash: string;
  codec: LearnedCodecPart;
  /** Worker threads its tile pool holds: 0 until an image of several tiles came with workers > 1 (and with onnxruntime). */
  tileThreads(): number;
  /** What runs the transforms ('onnx' or 'tfjs') and why, in one line. */
  transforms: { name: 'onnx' | 'tfjs'; reason: string };
  dispose(): void;
}

interface LearnedFiles {
  hyper: { arch: string };
  /** The parameters as the family builds them (built tensors hold the stored values). */
  params: ParamStore;
  tfile: TablesFile;
  tbytes: Buffer;
}

/** Reads a learned model folder's weights into a freshly built ParamStore (after the backend is chosen). */
async function readLearnedFiles(dir: string, card: ModelCard): Promise<LearnedFiles> {
  const meta = familyMeta(card.arch);
  if (!meta?.learned || meta.formatId === null) throw new StudioError('bad-request', `${dir}: ${card.arch} is not a learned family`);
  const hyper = meta.hyperSchema.safeParse(card.hyper);
  if (!hyper.success) throw new StudioError('bad-request', `${dir}: card.json hyperparameters do not fit family ${card.arch}`);
  let manifest: ParamManifestEntry[];
  let tfile: TablesFile;
  let bin: Buffer;
  let tbytes: Buffer;
  try {
    const j = JSON.parse(await readFile(path.join(dir, 'params.json'), 'utf8')) as { manifest: ParamManifestEntry[]; tables: TablesFile };
    manifest = j.manifest;
    tfile = j.tables;
    bin = await readFile(path.join(dir, 'params.bin'));
    tbytes = await readFile(path.join(dir, 'tables.bin'));
  } catch (err) {
    throw new StudioError('io', `${dir}: cannot load the model weights (${(err as Error).message.split('\n')[0]})`);
  }
  const impl = learnedImpl<{ arch: string }>(card.arch);
  const params = impl.build(hyper.data, card.channels, 0);
  const want = params.manifest();
  const fail = (why: string): never => {
    params.dispose();
    throw new StudioError('bad-request', `${dir}: ${why}`);
  };
  if (
    want.length !== manifest.length ||
    want.some((m, i) => m.name !== manifest[i]!.name || sizeOf(m.shape) !== sizeOf(manifest[i]!.shape))
  )
    fail(`params.json does not fit family ${card.arch} with these hyperparameters`);
  const total = want.reduce((n, m) => n + sizeOf(m.shape), 0);
  if (bin.length !== total * 4) fail(`params.bin has ${bin.length} bytes, expected ${total * 4}`);
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let at = 0;
  const arrays = want.map((m) => {
    const a = all.subarray(at, at + sizeOf(m.shape));
    at += a.length;
    return a;
  });
  params.setArrays(arrays);
  return { hyper: hyper.data, params, tfile, tbytes };
}

/** A learned model's parameters as float32 arrays in manifest order: where a fine-tune starts. */
export async function readLearnedWeights(dir: string, card: ModelCard): Promise<{ arrays: Float32Array[]; manifest: ParamManifestEntry[] }> {
  const f = await readLearnedFiles(dir, card);
  try {
    return { arrays: f.params.toArrays(), manifest: f.params.manifest() };
  } finally {
    f.params.dispose();
  }
}

/** Loads a learned model folder (after the backend is chosen). */
export async function loadLearnedDir(dir: string, card: ModelCard, options: LearnedLoadOptions = {}): Promise<LoadedLearned> {
  const meta = familyMeta(card.arch)!;
  const { hyper: h, params, tfile, tbytes } = await readLearnedFiles(dir, card);
  const impl = learnedImpl<{ arch: string }>(card.arch);
  const hyper = { data: h };
  let flat: CdfTable[];
  try {
    flat = readTables(tbytes);
  } catch (err) {
    params.dispose();
    throw new StudioError('bad-request', `${dir}: tables.bin is corrupt (${(err as Error).message})`);
  }
  const groups: CdfTable[][] = [];
  let k = 0;
  for (const n of tfile.groupSizes) {
    groups.push(flat.slice(k, k + n));
    k += n;
  }
  if (k !== flat.length) {
    params.dispose();
    throw new StudioError('bad-request', `${dir}: tables.bin does not match params.json`);
  }
  const runtime: LearnedRuntime<{ arch: string }> = { hyper: hyper.data, channels: card.channels, params, tables: { groups } };
  const { hash } = learnedHash(params.manifest(), params.toArrays(), tbytes);
  const levels = (hyper.data as unknown as { lambdas: number[] }).lambdas.length;
  const onnx = options.onnx === false ? ({ available: false, reason: 'tfjs asked for' } as const) : await onnxStatus();
  // onnxruntime runs a tile on all its threads: larger tiles waste less on halos (memory stays small).
  const tiling = options.tiling ?? (onnx.available ? ONNX_TILING : DEFAULT_TILING);
  const tiles = codingRuntime(options.workers ?? 1, tiling, onnx);
  const coding = (onProgress: TileProgress | undefined): CodingOptions => ({
    choose: tiles.choose,
    tiling,
    ...(onProgress ? { onProgress } : {}),
  });
  return {
    runtime,
    weightsHash: hash,
    codec: {
      family: card.arch,
      formatId: meta.formatId!,
      levels,
      compress: (img, quality, onProgress) => impl.compress(runtime, toFloat(img, card.channels), quality, coding(onProgress)),
      decompress: async (streams, width, height, quality, onProgress) =>
        toBytes(await impl.decompress(runtime, streams, width, height, quality, coding(onProgress))),
    },
    tileThreads: tiles.threads,
    transforms: tiles.runtime,
    dispose: () => {
      void tiles.close();
      params.dispose();
    },
  };
}
