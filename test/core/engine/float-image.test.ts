// Geometry of float images (engine/float-image.ts): reflect padding, crops and pastes, tiles.
import { describe, expect, it } from 'vitest';
import { crop, fromTiles, padReflect, paste, reflectIndex, toTiles } from '../../../src-main/core/engine/float-image.js';
import type { FloatImage } from '../../../src-main/core/imaging/pixels.js';

/** A w x h image with c channels whose every sample is distinct. */
function ramp(width: number, height: number, channels: number): FloatImage {
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = i / data.length;
  return { data, width, height, channels };
}

describe('float images', () => {
  it('reflects indices without repeating the edge, periodically', () => {
    expect([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7].map((i) => reflectIndex(i, 4))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1]);
    expect(reflectIndex(5, 1)).toBe(0);
  });

  it('pads by reflection to the right and bottom, keeping the image in the corner', () => {
    const img = ramp(3, 2, 2);
    const padded = padReflect(img, 5, 4);
    expect([padded.width, padded.height, padded.channels]).toEqual([5, 4, 2]);
    expect(crop(padded, 0, 0, 3, 2)).toEqual(img);
    // Column 3 mirrors column 1; row 2 mirrors row 0.
    expect(Array.from(crop(padded, 3, 0, 1, 2).data)).toEqual(Array.from(crop(img, 1, 0, 1, 2).data));
    expect(Array.from(crop(padded, 0, 2, 3, 1).data)).toEqual(Array.from(crop(img, 0, 0, 3, 1).data));
    expect(padReflect(img, 3, 2)).toBe(img);
  });

  it('pastes a crop back where it came from', () => {
    const img = ramp(6, 5, 3);
    const part = crop(img, 2, 1, 3, 3);
    const blank: FloatImage = { ...img, data: new Float32Array(img.data.length) };
    paste(blank, part, 2, 1);
    expect(crop(blank, 2, 1, 3, 3)).toEqual(part);
  });

  it('splits into row-major tiles and joins them back exactly', () => {
    const img = ramp(8, 4, 3);
    const { tiles, gh, gw } = toTiles(img, 4);
    expect([gh, gw, tiles.length]).toEqual([1, 2, img.data.length]);
    expect(Array.from(tiles.subarray(4 * 4 * 3))).toEqual(Array.from(crop(img, 4, 0, 4, 4).data));
    expect(fromTiles(tiles, gh, gw, 4, 3)).toEqual(img);
  });
});
