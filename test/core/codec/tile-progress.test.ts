// Progress within one large image: compress and decompress of a file of several tiles report its
// tiles as they finish, before the file's own event (batch/compress-files.ts, decompress-files.ts), a
// folder batch says them in its jobProgress (working), and the CLI's bar moves within the file.
// A real tiny learned model (built weights, real tables), real files, tfjs in this thread.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressBar } from '../../../src-main/cli/progress.js';
import { getCatalog } from '../../../src-main/core/catalog/index.js';
import { runCompressBatch, type BatchIO } from '../../../src-main/core/batch/compress-files.js';
import { runDecompressBatch } from '../../../src-main/core/batch/decompress-files.js';
import { throttledTiles, tilePasses } from '../../../src-main/core/codec/tile-progress.js';
import type { BatchProgress } from '../../../src-main/core/contract/batch.js';
import type { CompressProgress } from '../../../src-main/core/contract/codec.js';
import { saveLearnedDir } from '../../../src-main/core/engine/learned-io.js';
import { openModel } from '../../../src-main/core/engine/open-model.js';
import { encodeImage, type RawImage } from '../../../src-main/core/imaging/index.js';
import { Studio } from '../../../src-main/core/studio.js';
import { jobResult, onJobProgress } from '../../helpers/jobs.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';
import { builtRuntime, CASES, tinyCard } from '../engine/learned/learned-fixtures.js';
import { mosaic } from '../engine/tiling/tiling-fixtures.js';

const tmp = makeTmpDir('ls-tiles-');
const FACTORIZED = CASES.find((c) => c.name === 'factorized')!;
let modelDir = '';
let weightsHash = '';
let photo = '';

/** 64-pixel tiles: the 357x171 mosaic is 6 x 3 of them. */
const load = (ref: { id: string; dir: string }) => openModel(ref, { tiling: { core: 64 }, onnx: false });

/** The photo repeated (or cut) to width x height. */
function tiled(m: RawImage, width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = ((y % m.height) * m.width + (x % m.width)) * 3;
      data.set(m.data.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}

function recorder(): { io: BatchIO; events: CompressProgress[] } {
  const events: CompressProgress[] = [];
  return { events, io: { progress: (p) => events.push(p), checkpoint: async () => {} } };
}

/** The tile events come first, for the file not yet done, counting up; then the file's own event. */
function expectTilesThenDone(events: CompressProgress[], file: string): void {
  const tiles = events.filter((e) => e.tiles);
  expect(tiles.length).toBeGreaterThan(2);
  for (const e of tiles) expect(e).toMatchObject({ done: 0, total: 1, path: file });
  const counts = tiles.map((e) => e.tiles!.done);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(new Set(counts).size).toBe(counts.length);
  expect(tiles[0]!.tiles!.total).toBe(18);
  expect(events.at(-1)).toEqual({ done: 1, total: 1, path: file });
  expect(events.indexOf(tiles.at(-1)!)).toBeLessThan(events.length - 1);
}

beforeAll(async () => {
  modelDir = path.join(tmp.dir, 'm-factorized');
  const rt = builtRuntime(FACTORIZED);
  ({ weightsHash } = await saveLearnedDir(modelDir, rt.params, rt.tables, tinyCard(FACTORIZED, 'm-factorized')));
  rt.params.dispose();
  mkdirSync(path.join(tmp.dir, 'in'));
  photo = path.join(tmp.dir, 'in', 'mosaic.png');
  writeFileSync(photo, await encodeImage(await mosaic(), 'png'));
}, 60_000);

afterAll(() => tmp.cleanup());

describe('tile progress within one file', () => {
  it('compress and decompress report the tiles of a file of several tiles before its done event', async () => {
    const latent = path.join(tmp.dir, 'mosaic.latent');
    const c = recorder();
    const r = await runCompressBatch(
      { modelId: 'm-factorized', modelDir, items: [{ input: photo, output: latent }], quality: 50, tileReportMs: 0 },
      load,
      c.io,
    );
    expect(r.failed).toEqual([]);
    expectTilesThenDone(c.events, photo);

    const d = recorder();
    const out = path.join(tmp.dir, 'mosaic.png');
    const back = await runDecompressBatch(
      {
        models: { 'm-factorized': modelDir },
        items: [{ input: latent, output: out, modelId: 'm-factorized', pack: false }],
        format: 'png',
        tileReportMs: 0,
      },
      load,
      d.io,
    );
    expect(back.failed).toEqual([]);
    expectTilesThenDone(d.events, latent);
  }, 120_000);

  it('with PSNR measured, the measuring decode reports its tiles too, under one total known from the first tile', async () => {
    const c = recorder();
    await runCompressBatch(
      {
        modelId: 'm-factorized',
        modelDir,
        items: [{ input: photo, output: path.join(tmp.dir, 'measured.latent') }],
        quality: 50,
        measure: true,
        tileReportMs: 0,
      },
      load,
      c.io,
    );
    const tiles = c.events.filter((e) => e.tiles).map((e) => e.tiles!);
    // 6 x 3 tiles encoded, then the same 18 decoded: 36 from the first report on.
    expect(new Set(tiles.map((t) => t.total))).toEqual(new Set([36]));
    const counts = tiles.map((t) => t.done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(35);
    expect(c.events.at(-1)).toEqual({ done: 1, total: 1, path: photo });
  }, 120_000);

  it('passes of one tile say nothing, and a pass beyond the count grows the total instead of overflowing it', () => {
    const seen: Array<[number, number]> = [];
    const next = tilePasses((d, t) => seen.push([d, t]), 1);
    next()!(1, 1);
    expect(seen).toEqual([]);
    next()!(2, 4);
    expect(seen).toEqual([[6, 8]]);
    expect(tilePasses(undefined, 2)()).toBeUndefined();
  });

  it('an image of one tile reports no tiles, and the throttle lets the first tile of a pass through', async () => {
    const c = recorder();
    const small = path.join(tmp.dir, 'in', 'small.png');
    writeFileSync(small, await encodeImage(tiled(await mosaic(), 200, 40), 'png'));
    await runCompressBatch(
      { modelId: 'm-factorized', modelDir, items: [{ input: small, output: path.join(tmp.dir, 'small.latent') }], tileReportMs: 0 },
      (ref) => openModel(ref, { onnx: false }),
      c.io,
    );
    expect(c.events).toEqual([{ done: 1, total: 1, path: small }]);

    const seen: number[] = [];
    const t = throttledTiles((done) => seen.push(done), 60_000);
    for (let i = 1; i <= 10; i++) t(i, 10);
    for (let i = 1; i <= 10; i++) t(i, 10);
    expect(seen).toEqual([1, 1]);
  }, 60_000);

  it('a folder batch says the tiles of the file in progress (jobProgress working) before the file is done', async () => {
    const studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
    try {
      getCatalog(studio.context).models.add({
        id: 'm-factorized',
        name: 'tiny factorized',
        datasetId: null,
        arch: 'factorized',
        dir: modelDir,
        weightsHash,
        card: tinyCard(FACTORIZED, 'm-factorized') as never,
      });
      // Wide enough for several tiles at the batch's own tile size (256, or 512 on onnxruntime).
      const folder = path.join(tmp.dir, 'wide');
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'wide.png'), await encodeImage(tiled(await mosaic(), 1200, 171), 'png'));
      const events: BatchProgress[] = [];
      onJobProgress(studio, 'batch.compress', (p) => events.push(p));
      const started = await studio.call('startBatch', {
        kind: 'compress',
        inputs: [folder],
        outDir: path.join(tmp.dir, 'wide-out'),
        modelId: 'm-factorized',
        workers: 1,
      });
      const summary = await jobResult(studio, 'batch.compress', started.jobId);
      expect(summary.failed).toEqual([]);
      const working = events.filter((e) => e.working);
      expect(working.length).toBeGreaterThan(0);
      expect(working[0]!.working).toEqual([{ file: path.join(folder, 'wide.png'), tilesDone: 1, tilesTotal: expect.any(Number) }]);
      expect(working[0]!.working![0]!.tilesTotal).toBeGreaterThan(1);
      expect(working[0]!.done).toBe(0);
      // An ETA from the first tile, before any file is done.
      expect(working[0]!.etaSeconds).not.toBeNull();
      const doneAt = events.findIndex((e) => e.done === 1);
      expect(events.indexOf(working[0]!)).toBeLessThan(doneAt);
      expect(events[doneAt]!.working).toBeUndefined();
    } finally {
      await studio.close();
    }
  }, 120_000);

  it("the CLI's bar moves within the one file and names its tiles", () => {
    let out = '';
    const stream = Object.assign(
      {
        write: (s: string) => {
          out += s;
          return true;
        },
      },
      { isTTY: false },
    ) as unknown as NodeJS.WritableStream & { isTTY: boolean };
    const bar = createProgressBar(stream, 'compress');
    bar.update(0, 1, 'photo.jpg', { done: 48, total: 96, unit: 'tile' });
    expect(out).toMatch(/^compress \[#{12}\.{12}\] file 1\/1 · tile 48\/96 ETA \d+s photo\.jpg\n$/);
  });
});
