// Thousands of damaged version 2 .latent files: each must end in a one-line LatentFormatError
// naming the file, or in a well-formed image; never another exception, a hang or a slow parse.
import { describe, expect, it } from 'vitest';
import {
  MAX_STREAMS,
  isPackV2,
  latentVersion,
  modelTag,
  readPackV2,
  readSingleV2,
  writePackV2,
  writeSingleV2,
  type V2Image,
  type V2PackImage,
  type V2Params,
} from '../../../src-main/core/codec/container-v2.js';
import { LatentFormatError } from '../../../src-main/core/codec/container.js';
import { MAX_PIXELS_SETTING } from '../../../src-main/core/contract/limits.js';
import { V2_MUTATIONS, damageV2, v2PackSample, v2SingleSample, type V2Sample } from './mutate.js';
import { mulberry32 } from './random.js';

const params: V2Params = { family: 2, tag: modelTag('9f86d081884c7d659a2feaa0c55ad015'), quality: 60 };

function bytesOf(n: number, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

const singleSample = (name: string, image: V2Image): V2Sample => v2SingleSample(name, writeSingleV2(params, image), image);
const packSample = (name: string, images: V2PackImage[], blockSize: number): V2Sample =>
  v2PackSample(name, writePackV2(params, images, { blockSize }));

const digit = (i: number): V2Image => ({ width: 28, height: 28, channels: 1, streams: [bytesOf(40 + (i % 9), i)] });
const rgba: V2Image = {
  width: 23,
  height: 17,
  channels: 4,
  alpha: bytesOf(12, 1),
  exif: Uint8Array.from(Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0', 'latin1')),
  icc: bytesOf(40, 2),
  streams: [bytesOf(90, 3), bytesOf(14, 4)],
};

const SAMPLES: V2Sample[] = [
  singleSample('gray', digit(0)),
  singleSample('rgba+2 streams', rgba),
  singleSample('large (CRC-32)', { width: 640, height: 480, channels: 3, streams: [bytesOf(5000, 5), bytesOf(300, 6)] }),
  packSample(
    'named pack',
    [...Array.from({ length: 9 }, (_, i) => ({ ...digit(i), name: `d${i}` })), { ...rgba, streams: [bytesOf(30, 7)] }],
    4,
  ),
  packSample('hyperprior pack', [rgba, { ...rgba, channels: 3, alpha: undefined }, rgba], 2),
];

/** Reads a file as a studio would: dispatch, then every image. */
function readAll(bytes: Uint8Array, label: string): V2Image[] {
  if (latentVersion(bytes, label) !== 2) throw new Error('v1 file');
  if (!isPackV2(bytes)) return [readSingleV2(bytes, label).image];
  const pack = readPackV2(bytes, label);
  return Array.from({ length: pack.count }, (_, i) => pack.image(i));
}

function wellFormed(img: V2Image): boolean {
  return (
    img.width >= 1 &&
    img.height >= 1 &&
    img.width * img.height <= MAX_PIXELS_SETTING &&
    [1, 3, 4].includes(img.channels) &&
    (img.channels === 4) === (img.alpha !== undefined) &&
    img.streams.length >= 1 &&
    img.streams.length <= MAX_STREAMS &&
    img.streams.every((s) => s.length > 0)
  );
}

describe('fuzzing the version 2 reader', () => {
  it('every mutation ends in a one-line LatentFormatError or a well-formed image', () => {
    for (const s of SAMPLES) expect(readAll(s.bytes, 'f.latent').every(wellFormed)).toBe(true);
    const rnd = mulberry32(2025);
    const outcomes = new Map<string, number>();
    const unexpected: string[] = [];
    let slowest = 0;
    const CASES = 5000;
    const t0 = performance.now();
    for (let k = 0; k < CASES; k++) {
      const s = SAMPLES[k % SAMPLES.length]!;
      const kind = V2_MUTATIONS[Math.floor(k / SAMPLES.length) % V2_MUTATIONS.length]!;
      const bytes = damageV2(s, kind, rnd);
      const t = performance.now();
      try {
        const imgs = readAll(bytes, 'f.latent');
        if (!imgs.every(wellFormed)) unexpected.push(`${s.name}/${kind}: malformed image`);
        outcomes.set('read', (outcomes.get('read') ?? 0) + 1);
      } catch (err) {
        const ok = err instanceof LatentFormatError && err.message.startsWith('f.latent: ') && !err.message.includes('\n');
        if (!ok) unexpected.push(`${s.name}/${kind}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
        const key = err instanceof LatentFormatError ? err.problem : 'other';
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
      slowest = Math.max(slowest, performance.now() - t);
    }
    // Random bytes behind the magic and a version byte: nearly all fail the check, none crash.
    for (let k = 0; k < 1000; k++) {
      const b = bytesOf(3 + Math.floor(rnd() * 80), 10_000 + k);
      b.set([0x4c, 0xb2, 0x20 | (b[2]! & 0xf)]);
      try {
        readAll(b, 'f.latent');
      } catch (err) {
        if (!(err instanceof LatentFormatError)) unexpected.push(`random: ${String(err)}`);
      }
    }
    const total = performance.now() - t0;
    console.log(
      `${CASES} mutations in ${total.toFixed(0)} ms, slowest ${slowest.toFixed(1)} ms: ` +
        [...outcomes.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
    );
    expect(unexpected.slice(0, 10)).toEqual([]);
    for (const problem of ['not-latent', 'version', 'truncated', 'trailing', 'crc', 'corrupt'])
      expect(outcomes.get(problem) ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('read') ?? 0).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(250);
    expect(total).toBeLessThan(8000);
  });
});
