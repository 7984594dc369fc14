// Entropy coding of the learned families end to end: sizes, repeatability, the decoded latents
// being exactly the encoder's (through the forward pass at the same level), the stream length
// against the entropy model's estimate, decoding in a fresh process on the other tfjs backend
// (wasm -> cpu and cpu -> wasm), and corrupt streams (an error or an image, never a hang).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';
import { saveLearnedDir } from '../../../../src-main/core/engine/learned-io.js';
import { levelOfQuality } from '../../../../src-main/core/engine/models/layers/gains.js';
import type { LearnedRuntime } from '../../../../src-main/core/engine/models/learned.js';
import { toBytes, type FloatImage } from '../../../../src-main/core/imaging/pixels.js';
import { crop, fromTiles, padReflect, toTiles } from '../../../../src-main/core/engine/float-image.js';
import { Mulberry32 } from '../../../../src-main/core/engine/random.js';
import { makeTmpDir } from '../../../helpers/tmp-home.js';
import type { ChildJob, ChildResult } from '../child/learned-codec.js';
import {
  CASES,
  builtRuntime,
  firstDifference,
  implOf,
  maxAbsDiff,
  testImage,
  tinyCard,
  totalBytes,
  type FamilyCase,
  type TinyHyper,
} from '../learned/learned-fixtures.js';

const root = path.resolve(import.meta.dirname, '../../../..');
const run = promisify(execFile);
/** Gains per level: quality 1 codes coarsely, quality 100 finely (an untrained model has all ones). */
const GAINS = [0.5, 4, 30];

let tmp: ReturnType<typeof makeTmpDir>;
const runtimes = new Map<string, LearnedRuntime<TinyHyper>>();
const rtOf = (c: FamilyCase) => runtimes.get(c.name)!;

beforeAll(async () => {
  process.env.LATENT_STUDIO_BACKEND = 'wasm';
  expect((await chooseBackend()).backend).toBe('wasm');
  tmp = makeTmpDir('ls-learned-coding-');
  CASES.forEach((c, i) => runtimes.set(c.name, builtRuntime(c, 20 + i, GAINS)));
});
afterAll(() => {
  for (const rt of runtimes.values()) rt.params.dispose();
  tmp.cleanup();
});

/** The image the entropy-model checks use: a size the family needs no padding for (a 20x20 digit is padded to 24). */
async function alignedImage(c: FamilyCase): Promise<FloatImage> {
  if (c.name === 'dense-prior') return testImage(c);
  const edge = c.name === 'hyperprior' ? 64 : 32;
  const full = await testImage(c, 96 - 3, 64 - 5);
  return crop(padReflect(full, 96, 64), 0, 0, edge, edge);
}

/** The forward pass (rounded latents, not noise) at an integral level, as a decoded image of img's size, and its bits. */
function forwardImage(
  c: FamilyCase,
  rt: LearnedRuntime<TinyHyper>,
  img: FloatImage,
  level: number,
): { img: FloatImage; bits: number; minLikelihood: number } {
  const impl = implOf(c);
  const dense = c.hyper.arch === 'dense-prior' ? c.hyper : null;
  const t = dense?.tile ?? 1;
  const padded = padReflect(img, Math.ceil(img.width / t) * t, Math.ceil(img.height / t) * t);
  const { tiles, gh, gw } = toTiles(padded, t);
  const r = tf.tidy(() => {
    const x = dense ? tf.tensor2d(tiles, [gh * gw, t * t * c.channels]) : tf.tensor4d(img.data, [1, img.height, img.width, c.channels]);
    const out = impl.forward(rt.params, rt.hyper, x, { training: false, level, noiseSeed: 0 });
    return {
      bits: out.likelihoods.reduce((s, l) => s - tf.sum(tf.log(l)).dataSync()[0]! / Math.LN2, 0),
      minLikelihood: Math.min(...out.likelihoods.map((l) => tf.min(l).dataSync()[0]!)),
      // conv families: clamped as the codec does; dense-prior ends in a sigmoid.
      data: (dense ? out.xHat : tf.clipByValue(out.xHat, 0, 1)).dataSync() as Float32Array,
    };
  });
  const decoded = dense
    ? crop(fromTiles(r.data, gh, gw, t, c.channels), 0, 0, img.width, img.height)
    : { data: r.data, width: img.width, height: img.height, channels: c.channels };
  return { img: decoded, bits: r.bits, minLikelihood: r.minLikelihood };
}

describe('learned coding in one process', () => {
  it.each(CASES)('$name: any image size decodes to that size, in [0, 1], with one stream per latent', async (c) => {
    const impl = implOf(c);
    const rt = rtOf(c);
    const base = await testImage(c);
    for (const [w, h] of [
      [base.width, base.height],
      [1, 1],
      [7, 1],
      [1, 13],
      [Math.min(base.width, 17), Math.min(base.height, 9)],
    ] as [number, number][]) {
      const img = crop(base, 0, 0, w, h);
      for (const q of [1, 50, 100]) {
        const streams = await impl.compress(rt, img, q);
        expect(streams).toHaveLength(c.streams);
        const out = await impl.decompress(rt, streams, w, h, q);
        expect([out.width, out.height, out.channels, out.data.length]).toEqual([w, h, c.channels, w * h * c.channels]);
        expect(out.data.every((v) => v >= 0 && v <= 1)).toBe(true);
      }
    }
  });

  it.each(CASES)(
    '$name: coding repeats bit for bit: two compressions give the same streams, two decompressions the same pixels',
    async (c) => {
      const impl = implOf(c);
      const rt = rtOf(c);
      const img = await testImage(c);
      for (const q of [1, 63, 100]) {
        const a = await impl.compress(rt, img, q);
        const b = await impl.compress(rt, img, q);
        expect(a.map((s) => Buffer.from(s).toString('hex'))).toEqual(b.map((s) => Buffer.from(s).toString('hex')));
        const x = await impl.decompress(rt, a, img.width, img.height, q);
        const y = await impl.decompress(rt, a, img.width, img.height, q);
        expect(firstDifference(x.data, y.data)).toBe(-1);
      }
      // The quality changes what is coded: the gains of quality 1 and 100 differ 60-fold here. (Not
      // necessarily more bytes: the untrained densities are nearly flat over small integers.)
      const hex = async (q: number) => (await impl.compress(rt, img, q)).map((s) => Buffer.from(s).toString('hex'));
      expect(await hex(100)).not.toEqual(await hex(1));
      const d1 = await impl.decompress(rt, await impl.compress(rt, img, 1), img.width, img.height, 1);
      const d100 = await impl.decompress(rt, await impl.compress(rt, img, 100), img.width, img.height, 100);
      expect(maxAbsDiff(d1.data, d100.data)).toBeGreaterThan(1e-3);
    },
  );

  it.each(CASES)(
    "$name: the decoded latents are the encoder's: decompress(compress(x)) is the forward pass with rounded latents",
    async (c) => {
      const impl = implOf(c);
      const rt = rtOf(c);
      const img = await alignedImage(c);
      const levels = c.hyper.lambdas.length;
      for (const q of [1, 100]) {
        const level = levelOfQuality(q, levels);
        expect(Number.isInteger(level)).toBe(true);
        const decoded = await impl.decompress(rt, await impl.compress(rt, img, q), img.width, img.height, q);
        const fwd = forwardImage(c, rt, img, level).img;
        if (c.name === 'hyperprior') {
          // Means come from the float64 hyper-synthesis when coding, from tfjs in the forward pass.
          expect(maxAbsDiff(decoded.data, fwd.data)).toBeLessThan(1e-4);
        } else {
          expect(firstDifference(decoded.data, fwd.data), `quality ${q}: first differing value`).toBe(-1);
        }
      }
    },
  );

  // Elements the model gives less than 2^-14 are coded through the table's frequency floor (2^-16)
  // or its escape, which can cost fewer bits than the model's estimate: there the coder may only be
  // cheaper. Everywhere else the stream must be the estimate (tables built from the same density).
  it.each(CASES)(
    "$name: the stream length is the entropy model's estimate (likelihoods of the rounded latents), within 5 % + 6 bytes per stream",
    async (c) => {
      const impl = implOf(c);
      const rt = rtOf(c);
      const img = await alignedImage(c);
      let twoSided = 0;
      for (const q of [1, 100]) {
        const { bits, minLikelihood } = forwardImage(c, rt, img, levelOfQuality(q, c.hyper.lambdas.length));
        const actual = 8 * totalBytes(await impl.compress(rt, img, q));
        const slack = 0.05 * bits + 48 * c.streams;
        const msg = `quality ${q}: ${actual} bits coded, ${bits.toFixed(1)} estimated, smallest likelihood ${minLikelihood.toExponential(2)}`;
        expect(actual, msg).toBeLessThanOrEqual(bits + slack);
        if (minLikelihood >= 2 ** -14) {
          twoSided++;
          expect(actual, msg).toBeGreaterThanOrEqual(bits - slack);
        }
      }
      expect(twoSided).toBeGreaterThan(0);
    },
  );
});

describe('learned coding across processes and backends', () => {
  it('streams made on wasm decode to the same pixels in a fresh cpu process, and cpu streams on wasm; corrupt streams give an error or an image', async () => {
    const rng = new Mulberry32(99);
    const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));
    const b64 = (s: Uint8Array) => Buffer.from(s).toString('base64');
    const job: ChildJob = { models: [] };
    const parent: { hash: string; decoded: FloatImage; img: FloatImage; quality: number }[] = [];
    for (const c of CASES) {
      const rt = rtOf(c);
      const impl = implOf(c);
      const dir = path.join(tmp.dir, `m-${c.name}`);
      const { weightsHash } = await saveLearnedDir(dir, rt.params, rt.tables, tinyCard(c, `m-${c.name}`));
      const img = await testImage(c);
      const quality = 77;
      const streams = await impl.compress(rt, img, quality);
      const decoded = await impl.decompress(rt, streams, img.width, img.height, quality);
      parent.push({ hash: weightsHash, decoded, img, quality });
      const corrupt: Uint8Array[][] = [];
      for (let k = 0; k < 10; k++) corrupt.push(streams.map(() => randomBytes(Math.floor(rng.next() * 400))));
      corrupt.push(streams.map((s) => s.subarray(0, s.length >> 1)));
      corrupt.push(streams.map((s) => s.map((b, i) => (i % 3 === 1 ? b ^ 0x5a : b))));
      corrupt.push(streams.map(() => new Uint8Array(0)));
      corrupt.push(streams.map((s) => new Uint8Array(s.length + 64).fill(0xff)));
      corrupt.push([]);
      job.models.push({
        dir,
        width: img.width,
        height: img.height,
        quality,
        streams: streams.map(b64),
        image: { data: Array.from(img.data), width: img.width, height: img.height, channels: img.channels },
        corrupt: corrupt.map((set) => set.map(b64)),
      });
    }
    const jobFile = path.join(tmp.dir, 'job.json');
    const outFile = path.join(tmp.dir, 'out.json');
    await writeFile(jobFile, JSON.stringify(job));
    await run(
      process.execPath,
      [path.join(root, 'bin/run-ts.js'), path.join(root, 'test/core/engine/child/learned-codec.ts'), jobFile, outFile],
      {
        env: { ...process.env, LATENT_STUDIO_BACKEND: 'cpu' },
        timeout: 120_000,
      },
    );
    const child = JSON.parse(await readFile(outFile, 'utf8')) as ChildResult;
    expect(child.backend).toBe('cpu');

    for (const [i, c] of CASES.entries()) {
      const p = parent[i]!;
      const r = child.models[i]!;
      expect(r.hash, c.name).toBe(p.hash);
      // wasm streams, cpu decoder: the same symbols (any desynchronization would move pixels by far
      // more than float rounding), and 8-bit pixels within one level.
      expect(maxAbsDiff(r.decoded, p.decoded.data), `${c.name}: wasm -> cpu`).toBeLessThan(1e-5);
      const cpuBytes = toBytes({ ...p.decoded, data: Float32Array.from(r.decoded) }).data;
      expect(maxAbsDiff(cpuBytes, toBytes(p.decoded).data), `${c.name}: wasm -> cpu, 8-bit`).toBeLessThanOrEqual(1);
      // cpu streams, wasm decoder.
      const onWasm = await implOf(c).decompress(
        rtOf(c),
        r.ownStreams.map((s) => new Uint8Array(Buffer.from(s, 'base64'))),
        p.img.width,
        p.img.height,
        p.quality,
      );
      expect(maxAbsDiff(onWasm.data, r.ownDecoded), `${c.name}: cpu -> wasm`).toBeLessThan(1e-5);
      // Corrupt streams: a thrown Error, or an image of the asked size with every value in [0, 1].
      for (const [k, o] of r.corrupt.entries()) {
        if (o.error !== null) expect(o.isError, `${c.name} corrupt set ${k}: ${o.error}`).toBe(true);
        else expect([o.width, o.height, o.inRange], `${c.name} corrupt set ${k}`).toEqual([p.img.width, p.img.height, true]);
      }
    }
  });
});
