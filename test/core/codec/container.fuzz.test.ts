// Thousands of damaged .latent files, decoded end to end by real models: 5,000 mutations of
// format 1 files (a tiny dense model) and 5,000 of format 2 files (the shipped base-small model),
// single files and packs, including header edits with their CRCs recomputed so the damage gets
// past the checks. Each must end in a one-line StudioError naming the file, or in a valid image;
// never a crash or a hang, and each case stays within a time and a memory bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressImage, compressPack, prepareRaw } from '../../../src-main/core/codec/compress.js';
import { prepareFile } from '../../../src-main/core/codec-files/prepare-file.js';
import { readPackHeader, readSingle } from '../../../src-main/core/codec/container.js';
import { readSingleV2 } from '../../../src-main/core/codec/container-v2.js';
import { decodeLatentBytes } from '../../../src-main/core/codec/decompress.js';
import type { CodecModel } from '../../../src-main/core/codec/model.js';
import { StudioError } from '../../../src-main/core/contract/errors.js';
import { chooseBackend } from '../../../src-main/core/engine/backend.js';
import { loadModel, type LoadedModel } from '../../../src-main/core/engine/model-io.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { MUTATIONS, V2_MUTATIONS, damageV2, mutate, v2PackSample, v2SingleSample, type CrcLayout, type V2Sample } from './mutate.js';
import { mulberry32 } from './random.js';
import { DIGITS, trainTinyModel, type TinyModel } from './tiny-model.js';

/** Mutations per format version. */
const CASES = 5000;
/**
 * The --max-pixels a fuzzed decode runs under (512x512): a header edit may declare any size up
 * to the format's ceiling (MAX_PIXELS_SETTING), and what bounds the work is this limit. base-small decodes
 * about a megapixel a second on one core, so the largest allowed image takes a fraction of a second.
 */
const MAX_PIXELS = 512 * 512;
/**
 * Bounds per case, with margin for a loaded 2-core CI machine. Measured on one (a training
 * running beside): slowest case 0.19 s, growth within a case 6 MB, over a run 30 MB, each
 * format's 5,000 cases in 2 to 5 s (the summary printed says).
 */
const MAX_CASE_MS = 2000;
const MAX_CASE_GROWTH = 128e6;
/** Growth over the whole run (a leak would pile up across thousands of cases). */
const MAX_RUN_GROWTH = 384e6;

interface Sample {
  name: string;
  bytes: Uint8Array;
  damage(rnd: () => number, k: number): Uint8Array;
}

let tmp: ReturnType<typeof makeTmpDir>;
let dense: TinyModel;
let base: LoadedModel;
const v1: Sample[] = [];
const v2: Sample[] = [];

function v1Sample(name: string, bytes: Uint8Array, layout: CrcLayout): Sample {
  return { name, bytes, damage: (rnd, k) => mutate(bytes, MUTATIONS[Math.floor(k / 3) % MUTATIONS.length]!, rnd, layout) };
}

function v2Sample(s: V2Sample, count: number): Sample {
  return { name: s.name, bytes: s.bytes, damage: (rnd, k) => damageV2(s, V2_MUTATIONS[Math.floor(k / count) % V2_MUTATIONS.length]!, rnd) };
}

beforeAll(async () => {
  await chooseBackend();
  tmp = makeTmpDir();
  dense = await trainTinyModel('dense-digits', tmp.dir, 'fuzz-model', 3);
  base = await loadModel(new URL('../../../resources/models/base-small', import.meta.url).pathname);

  // Format 1: a gray digit, an RGBA image with EXIF, and a pack of 12 in blocks of 4.
  const m = dense.model;
  const rgba = new Uint8Array(23 * 17 * 4).map((_, i) => (i * 29) & 255);
  const exif = Uint8Array.from(Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0', 'latin1'));
  const gray = await compressImage(m, await prepareFile(m, DIGITS[0]!), { quality: 75 });
  const withAlpha = await compressImage(m, prepareRaw(m, { data: rgba, width: 23, height: 17, channels: 4 }, { exif }), { quality: 40 });
  for (const [name, bytes] of [
    ['gray', gray.bytes],
    ['alpha+exif', withAlpha.bytes],
  ] as const) {
    const l = readSingle(bytes, name);
    const tail = l.payload.length + (l.alpha?.length ?? 0) + (l.image.exif?.length ?? 0) + (l.image.icc?.length ?? 0) + 4;
    v1.push(v1Sample(name, bytes, { spans: [[0, bytes.length - 4]], headerEnd: bytes.length - tail }));
  }
  async function* source(model: CodecModel) {
    for (const [i, f] of DIGITS.slice(0, 11).entries()) yield { img: await prepareFile(model, f), name: `digit-${i}` };
    yield { img: prepareRaw(model, { data: rgba, width: 23, height: 17, channels: 4 }), name: 'alpha' };
  }
  const pack = (await compressPack(m, source(m), { quality: 60, blockSize: 4 })).bytes;
  const h = readPackHeader(pack, 'pack');
  v1.push(
    v1Sample('pack', pack, {
      spans: [[0, h.headerLength - 4], ...h.blocks.map((b) => [b.offset, b.offset + b.length - 4] as [number, number])],
      headerEnd: h.headerLength - 4,
    }),
  );

  // Format 2, coded by base-small: a digit (CRC-16), RGBA with EXIF, a 256x256 image (CRC-32), a named pack.
  const ramp = new Uint8Array(256 * 256).map((_, i) => ((i % 256) * 3 + (i >> 8)) & 255);
  const singles: Array<[string, Uint8Array]> = [
    ['v2 gray', (await compressImage(base, await prepareFile(base, DIGITS[1]!), { quality: 75 })).bytes],
    [
      'v2 alpha+exif',
      (await compressImage(base, prepareRaw(base, { data: rgba, width: 23, height: 17, channels: 4 }, { exif }), { quality: 40 })).bytes,
    ],
    [
      'v2 large (CRC-32)',
      (await compressImage(base, prepareRaw(base, { data: ramp, width: 256, height: 256, channels: 1 }), { quality: 50 })).bytes,
    ],
  ];
  const samples: V2Sample[] = singles.map(([name, bytes]) => v2SingleSample(name, bytes, readSingleV2(bytes, name).image));
  samples.push(v2PackSample('v2 pack', (await compressPack(base, source(base), { quality: 60, blockSize: 3 })).bytes));
  expect(samples[2]!.bytes.length).toBeGreaterThan(4095);
  for (const s of samples) v2.push(v2Sample(s, samples.length));
}, 120_000);

afterAll(() => {
  dense?.model.dispose();
  base?.dispose();
  tmp?.cleanup();
});

/** Outcome counts by message shape: file label, numbers and hex taken out. */
function outcomeKey(err: unknown): string {
  if (!(err instanceof Error)) return 'other';
  return err.message
    .replace(/^f\.latent(?: image \d+)?: /, '')
    .replace(/needs model .*, which/, 'needs model X, which')
    .replace(/\b[0-9a-f]{6,}\b/g, 'H')
    .replace(/\d+/g, 'N')
    .slice(0, 60);
}

interface FuzzReport {
  outcomes: Map<string, number>;
  unexpected: string[];
  slowest: number;
  /** Largest growth of RSS, heap or array buffers within one case. */
  caseGrowth: number;
  /** RSS over the start, at the end. */
  runGrowth: number;
  seconds: number;
}

async function fuzz(samples: Sample[], resolve: (id: string) => Promise<CodecModel>, seed: number): Promise<FuzzReport> {
  // The unmutated files decode.
  for (const s of samples) expect((await decodeLatentBytes(resolve, s.bytes, 'f.latent', MAX_PIXELS)).length, s.name).toBeGreaterThan(0);
  const rnd = mulberry32(seed);
  const outcomes = new Map<string, number>();
  const unexpected: string[] = [];
  let slowest = 0;
  let caseGrowth = 0;
  const start = process.memoryUsage().rss;
  const t0 = performance.now();
  for (let k = 0; k < CASES; k++) {
    const s = samples[k % samples.length]!;
    const bytes = s.damage(rnd, k);
    const before = process.memoryUsage();
    const t = performance.now();
    let key = 'decoded';
    try {
      const images = await decodeLatentBytes(resolve, bytes, 'f.latent', MAX_PIXELS);
      for (const { image } of images) {
        if (image.data.length !== image.width * image.height * image.channels || ![1, 3, 4].includes(image.channels)) {
          unexpected.push(`${s.name}: invalid image ${image.width}x${image.height}x${image.channels}`);
        }
      }
    } catch (err) {
      const ok = err instanceof StudioError && err.message.startsWith('f.latent') && !err.message.includes('\n') && err.code !== 'internal';
      if (!ok) unexpected.push(`${s.name} #${k}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      key = outcomeKey(err);
    }
    slowest = Math.max(slowest, performance.now() - t);
    const after = process.memoryUsage();
    caseGrowth = Math.max(caseGrowth, after.rss - before.rss, after.heapUsed - before.heapUsed, after.arrayBuffers - before.arrayBuffers);
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  return {
    outcomes,
    unexpected,
    slowest,
    caseGrowth,
    runGrowth: process.memoryUsage().rss - start,
    seconds: (performance.now() - t0) / 1000,
  };
}

function report(name: string, r: FuzzReport): string {
  const top = [...r.outcomes.entries()].sort((a, b) => b[1] - a[1]);
  return (
    `${name}: ${CASES} mutations in ${r.seconds.toFixed(1)} s; slowest ${r.slowest.toFixed(1)} ms; ` +
    `growth within a case at most ${(r.caseGrowth / 1e6).toFixed(1)} MB, over the run ${(r.runGrowth / 1e6).toFixed(1)} MB\n` +
    top
      .slice(0, 25)
      .map(([k, n]) => `  ${n}\t${k}`)
      .join('\n')
  );
}

function expectBounded(r: FuzzReport, refusals: string[] = []): void {
  expect(r.unexpected.slice(0, 10)).toEqual([]);
  const keys = [...r.outcomes.keys()].join('|');
  for (const kind of ['not a .latent file', 'unsupported .latent format version', 'truncated', 'CRC mismatch', 'corrupt', ...refusals])
    expect(keys).toContain(kind);
  expect(r.outcomes.get('decoded') ?? 0).toBeGreaterThan(0);
  expect(r.slowest).toBeLessThan(MAX_CASE_MS);
  expect(r.caseGrowth).toBeLessThan(MAX_CASE_GROWTH);
  expect(r.runGrowth).toBeLessThan(MAX_RUN_GROWTH);
}

describe('fuzzing the .latent decoder', () => {
  it('format 1: every mutation ends in a clear one-line error or a valid image, in bounded time and memory', async () => {
    const resolve = async (id: string): Promise<CodecModel> => {
      if (id !== dense.id) throw new StudioError('not-found', `f.latent: needs model ${id}, which is not in the catalog`);
      return dense.model;
    };
    const r = await fuzz(v1, resolve, 2024);
    console.log(report('format 1', r));
    expectBounded(r);
  }, 120_000);

  it('format 2: every mutation ends in a clear one-line error or a valid image, in bounded time and memory', async () => {
    const tag = `tag:${base.weightsHash.slice(0, 12)}`;
    const resolve = async (id: string): Promise<CodecModel> => {
      if (id !== tag) throw new StudioError('not-found', `f.latent: needs model ${id}, which is not in the catalog`);
      return base;
    };
    const r = await fuzz(v2, resolve, 2025);
    console.log(report('format 2', r));
    // Header edits that got past the recomputed checks and declared a larger image met the limit.
    expectBounded(r, ['megapixels, over the limit of N.N megapixels']);
  }, 120_000);
});
