// A .latent of either version from its bytes: the header read from a file's first bytes agrees
// with the whole file's, and a cut-short format-2 prefix is refused as truncated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnySingle, readLatentHead } from '../../../src-main/core/codec/any-latent.js';
import { COMMON_HEADER_MAX, LatentFormatError } from '../../../src-main/core/codec/container.js';
import { BASE_SMALL_FILE, V1_DIR } from './bombs.js';

describe('a .latent of either version', () => {
  it('reads the same model and settings from the first bytes as from the whole file', () => {
    for (const file of [BASE_SMALL_FILE, path.join(V1_DIR, 'digit.latent')]) {
      const bytes = new Uint8Array(readFileSync(file));
      const head = readLatentHead(bytes.subarray(0, COMMON_HEADER_MAX), bytes.length, file);
      const whole = readAnySingle(bytes, file);
      expect(head.pack, file).toBe(false);
      expect(head.params.modelId, file).toBe(whole.params.modelId);
      expect(Array.from(head.params.weightsTag), file).toEqual(Array.from(whole.params.weightsTag));
    }
  });

  it('refuses a format-2 prefix cut before its quality byte', () => {
    const bytes = new Uint8Array(readFileSync(BASE_SMALL_FILE));
    const cut = () => readLatentHead(bytes.subarray(0, 8), bytes.length, 'b.latent');
    expect(cut).toThrow(LatentFormatError);
    expect(cut).toThrow(`b.latent: truncated (${bytes.length} bytes)`);
  });
});
