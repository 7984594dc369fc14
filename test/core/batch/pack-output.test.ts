// A pack decompresses into its folder whole or not at all: one bad image (a damaged block)
// fails the pack with its reason and leaves no folder and no temporary behind, through the
// one-shot handler and through a batch; an existing folder is merged into only when none of the
// pack's images would land on an existing file.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPackHeaderV2 } from '../../../src-main/core/codec/container-v2.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { v2Pack } from '../codec/bombs.js';
import { jobResult } from '../../helpers/jobs.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
let good: Uint8Array;
let bad: Uint8Array;

const NAMES = ['img0.png', 'img1.png', 'img2.png', 'img3.png', 'img4.png'];

beforeAll(() => {
  tmp = makeTmpDir('ls-pack-out-');
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
  good = v2Pack(
    Array.from({ length: 5 }, () => [20, 20]),
    1,
  );
  // Damage in the fourth image's block: its CRC no longer matches, after three good images.
  bad = Uint8Array.from(good);
  const block = readPackHeaderV2(good, 'p').blocks[3]!;
  bad[block.offset + 2]! ^= 0x40;
});

afterAll(async () => {
  await studio?.close();
  tmp?.cleanup();
});

function write(dir: string, name: string, bytes: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

describe('decompressing a pack', () => {
  it('a good pack fills its folder', async () => {
    const out = path.join(tmp.dir, 'good-out');
    const r = await studio.call('decompressFiles', { paths: [write(path.join(tmp.dir, 'in'), 'p.latent', good)], outDir: out });
    expect(r.failed).toEqual([]);
    expect(readdirSync(path.join(out, 'p')).sort()).toEqual(NAMES);
    expect(readdirSync(out)).toEqual(['p']);
  });

  it('a pack with a bad image fails whole: no folder, no temporary, the reason given', async () => {
    const file = write(path.join(tmp.dir, 'in'), 'broken.latent', bad);
    const out = path.join(tmp.dir, 'bad-out');
    const r = await studio.call('decompressFiles', { paths: [file], outDir: out });
    expect(r.files).toEqual([]);
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]!.error).toMatch(/broken\.latent.*CRC mismatch in block 3/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('the same through a batch job', async () => {
    const dir = path.join(tmp.dir, 'batch-in');
    write(dir, 'broken.latent', bad);
    write(dir, 'fine.latent', good);
    const out = path.join(tmp.dir, 'batch-out');
    const { jobId } = await studio.call('startBatch', { kind: 'decompress', inputs: [dir], outDir: out, workers: 1 });
    const s = await jobResult(studio, 'batch.decompress', jobId);
    expect(s.failed).toHaveLength(1);
    expect(s.failed[0]!.error).toMatch(/broken\.latent.*CRC mismatch in block 3/);
    expect(readdirSync(out)).toEqual(['fine']);
    expect(readdirSync(path.join(out, 'fine')).sort()).toEqual(NAMES);
  });

  it('into an existing folder: refused before decoding when an image would land on a file, else merged', async () => {
    const out = path.join(tmp.dir, 'existing');
    const folder = path.join(out, 'p');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'img2.png'), 'mine');
    writeFileSync(path.join(folder, 'notes.txt'), 'mine too');
    const file = write(path.join(tmp.dir, 'in'), 'p.latent', good);
    const r = await studio.call('decompressFiles', { paths: [file], outDir: out });
    expect(r.failed[0]?.error).toMatch(/img2\.png: already exists \(use --overwrite/);
    expect(readdirSync(folder).sort()).toEqual(['img2.png', 'notes.txt']);
    expect(readFileSync(path.join(folder, 'img2.png'), 'utf8')).toBe('mine');
    expect(readdirSync(out)).toEqual(['p']);

    const other = path.join(tmp.dir, 'existing2');
    mkdirSync(path.join(other, 'p'), { recursive: true });
    writeFileSync(path.join(other, 'p', 'notes.txt'), 'mine');
    const merged = await studio.call('decompressFiles', { paths: [file], outDir: other });
    expect(merged.failed).toEqual([]);
    expect(readdirSync(path.join(other, 'p')).sort()).toEqual([...NAMES, 'notes.txt']);
    expect(merged.files.map((f) => f.output).sort()).toEqual(NAMES.map((n) => path.join(other, 'p', n)));
    expect(readdirSync(other)).toEqual(['p']);
  });
});
