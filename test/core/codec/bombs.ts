// Tiny, valid .latent files that declare huge images ("decompression bombs"), written by the
// codec's own writers: format 1 for the committed digit model (test/fixtures/v1), whose all-copy
// code grids take a few bytes at any size and decode, for minutes and gigabytes without a limit;
// format 2 from the shipped base-small model's 20x20 file (its model is in every fresh home).
// Headers, index and checks are all valid; only the declared sizes are large.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSingle, writePack, writeSingle } from '../../../src-main/core/codec/container.js';
import { readSingleV2, writePackV2, writeSingleV2 } from '../../../src-main/core/codec/container-v2.js';
import { GridEncoder, encodeGrid } from '../../../src-main/core/codec/grid-coder.js';
import { expectedGrid, type CodecModel } from '../../../src-main/core/codec/model.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BASE_SMALL_FILE = path.join(ROOT, 'test/fixtures/base/base-small.latent');
export const V1_DIR = path.join(ROOT, 'test/fixtures/v1');

const v2 = () => readSingleV2(readFileSync(BASE_SMALL_FILE), 'base-small.latent');

/** A format-2 single file of base-small declaring width x height (69 bytes for 10000x10000). */
export function v2Single(width: number, height: number): Uint8Array {
  const { params, image } = v2();
  return writeSingleV2(params, { ...image, width, height });
}

/** A format-2 pack of base-small images of the given sizes (each carries the 20x20 file's stream). */
export function v2Pack(sizes: Array<[number, number]>, blockSize = 4): Uint8Array {
  const { params, image } = v2();
  return writePackV2(
    params,
    sizes.map(([width, height], i) => ({ ...image, width, height, name: `img${i}` })),
    { blockSize },
  );
}

const digit = () => readSingle(readFileSync(path.join(V1_DIR, 'digit.latent')), 'digit.latent');

/** A zero code grid of the model's shape for width x height: every cell a copy of its left one, a few bytes coded. */
function zeroGrid(model: CodecModel, width: number, height: number) {
  const g = expectedGrid(model, width, height)!;
  return { ...g, symbols: new Int32Array(g.gh * g.gw * g.c) };
}

/**
 * A format-1 single file for the committed digit model declaring width x height, with a valid
 * payload for it (81 bytes for 10000x10000, which decodes, slowly and hugely, without a limit).
 */
export function v1Single(model: CodecModel, width: number, height: number): Uint8Array {
  const { params, image } = digit();
  const z = zeroGrid(model, width, height);
  const payload = encodeGrid(z.symbols, z.gh, z.gw, z.c, params.predictor);
  return writeSingle({ params, image: { ...image, width, height, gh: z.gh, gw: z.gw }, payload });
}

/** A format-1 pack of such images in one block. */
export function v1Pack(model: CodecModel, sizes: Array<[number, number]>): Uint8Array {
  const { params, image } = digit();
  const enc = new GridEncoder(params.codeChannels, params.predictor);
  const images = sizes.map(([width, height], i) => {
    const z = zeroGrid(model, width, height);
    enc.encode(z.symbols, z.gh, z.gw);
    return { entry: { ...image, width, height, gh: z.gh, gw: z.gw }, name: `img${i}` };
  });
  return writePack(params, images, sizes.length, [enc.finish()]);
}
