// Thousands of damaged .latent files: each must end in a one-line StudioError naming the file, or
// in a valid image; never a crash, a hang or a large allocation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressImage, compressPack, prepareFile, prepareRaw } from '../../../src-main/core/codec/compress.js';
import { readPackHeader, readSingle } from '../../../src-main/core/codec/container.js';
import { decodeLatentBytes } from '../../../src-main/core/codec/decompress.js';
import type { CodecModel } from '../../../src-main/core/codec/model.js';
import { StudioError } from '../../../src-main/core/contract/errors.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { MUTATIONS, mutate, type CrcLayout } from './mutate.js';
import { mulberry32 } from './random.js';
import { DIGITS, trainTinyModel, type TinyModel } from './tiny-model.js';

let tmp: ReturnType<typeof makeTmpDir>;
let dense: TinyModel;
const samples: Array<{ name: string; bytes: Uint8Array; layout: CrcLayout }> = [];

beforeAll(async () => {
  tmp = makeTmpDir();
  dense = await trainTinyModel('dense-digits', tmp.dir, 'fuzz-model', 3);
  const m = dense.model;

  const gray = await compressImage(m, await prepareFile(m, DIGITS[0]!), { quality: 75 });
  const rgba = new Uint8Array(23 * 17 * 4).map((_, i) => (i * 29) & 255);
  const meta = { exif: Uint8Array.from(Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0', 'latin1')), icc: new Uint8Array(0) };
  const withAlpha = await compressImage(m, prepareRaw(m, { data: rgba, width: 23, height: 17, channels: 4 }, { exif: meta.exif }), {
    quality: 40,
  });
  for (const [name, bytes] of [
    ['gray', gray.bytes],
    ['alpha+exif', withAlpha.bytes],
  ] as const) {
    const l = readSingle(bytes, name);
    const tail = l.payload.length + (l.alpha?.length ?? 0) + (l.image.exif?.length ?? 0) + (l.image.icc?.length ?? 0) + 4;
    samples.push({ name, bytes, layout: { spans: [[0, bytes.length - 4]], headerEnd: bytes.length - tail } });
  }
  async function* source() {
    for (const [i, f] of DIGITS.slice(0, 11).entries()) yield { img: await prepareFile(m, f), name: `digit-${i}` };
    yield { img: prepareRaw(m, { data: rgba, width: 23, height: 17, channels: 4 }), name: 'alpha' };
  }
  const pack = (await compressPack(m, source(), { quality: 60, blockSize: 4 })).bytes;
  const h = readPackHeader(pack, 'pack');
  samples.push({
    name: 'pack',
    bytes: pack,
    layout: {
      spans: [[0, h.headerLength - 4], ...h.blocks.map((b) => [b.offset, b.offset + b.length - 4] as [number, number])],
      headerEnd: h.headerLength - 4,
    },
  });
});

afterAll(() => {
  dense?.model.dispose();
  tmp?.cleanup();
});

describe('fuzzing the .latent reader', () => {
  it('every mutation ends in a clear one-line error or a valid image', async () => {
    const resolve = async (id: string): Promise<CodecModel> => {
      if (id !== dense.id) throw new StudioError('not-found', `f.latent: needs model ${id}, which is not in the catalog`);
      return dense.model;
    };
    // The unmutated files decode.
    for (const s of samples) expect((await decodeLatentBytes(resolve, s.bytes, 'f.latent')).length).toBeGreaterThan(0);

    const rnd = mulberry32(2024);
    const outcomes = new Map<string, number>();
    const unexpected: string[] = [];
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let slowest = 0;
    const CASES = 3000;
    for (let k = 0; k < CASES; k++) {
      const s = samples[k % samples.length]!;
      const kind = MUTATIONS[Math.floor(k / samples.length) % MUTATIONS.length]!;
      const bytes = mutate(s.bytes, kind, rnd, s.layout);
      const t0 = performance.now();
      try {
        const images = await decodeLatentBytes(resolve, bytes, 'f.latent');
        for (const { image } of images) {
          if (image.data.length !== image.width * image.height * image.channels || ![1, 3, 4].includes(image.channels)) {
            unexpected.push(`${s.name}/${kind}: invalid image ${image.width}x${image.height}x${image.channels}`);
          }
        }
        outcomes.set('decoded', (outcomes.get('decoded') ?? 0) + 1);
      } catch (err) {
        const ok =
          err instanceof StudioError && err.message.startsWith('f.latent') && !err.message.includes('\n') && err.code !== 'internal';
        if (!ok) unexpected.push(`${s.name}/${kind}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
        const key =
          err instanceof Error
            ? err.message
                .replace(/^f\.latent(?: image \d+)?: /, '')
                .replace(/needs model .*, which/, 'needs model X, which')
                .replace(/\d+/g, 'N')
                .slice(0, 60)
            : 'other';
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
      slowest = Math.max(slowest, performance.now() - t0);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    }
    console.log(
      `${CASES} mutations; slowest ${slowest.toFixed(1)} ms; array buffers grew at most ${(peak / 1e6).toFixed(1)} MB\n` +
        [...outcomes.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `  ${n}\t${k}`)
          .join('\n'),
    );
    expect(unexpected.slice(0, 10)).toEqual([]);
    // Every kind of refusal the issue names shows up.
    const keys = [...outcomes.keys()].join('|');
    for (const kind of ['not a .latent file', 'unsupported .latent format version', 'truncated', 'CRC mismatch', 'corrupt'])
      expect(keys).toContain(kind);
    expect(outcomes.get('decoded') ?? 0).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(2000);
    expect(peak).toBeLessThan(64e6);
  });
});
