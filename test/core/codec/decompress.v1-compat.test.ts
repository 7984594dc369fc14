// Models and .latent files made before the learned families (format version 1, the 'dense' and
// 'conv' families) still load and decode to the same pixels: a committed model, file and the
// image that version decoded it to (test/fixtures/v1/SOURCES.md).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLatentBytes } from '../../../src-main/core/codec/decompress.js';
import { latentVersion } from '../../../src-main/core/codec/container-v2.js';
import { loadModel } from '../../../src-main/core/engine/model-io.js';
import { readImage } from '../../../src-main/core/imaging/index.js';

const dir = path.resolve('test/fixtures/v1');

describe('format v1 compatibility', () => {
  it('a committed v1 dense model and file decode to the pixels the old version produced', async () => {
    const model = await loadModel(path.join(dir, 'model'));
    try {
      expect(model.card.arch).toBe('dense');
      const bytes = new Uint8Array(await readFile(path.join(dir, 'digit.latent')));
      expect(latentVersion(bytes, 'digit.latent')).toBe(1);
      const [decoded] = await decodeLatentBytes(
        async (id) => {
          expect(id).toBe(model.id);
          return model;
        },
        bytes,
        'digit.latent',
      );
      const want = await readImage(path.join(dir, 'digit-decoded.png'), { channels: 'keep' });
      expect(decoded!.image.width).toBe(want.width);
      expect(decoded!.image.height).toBe(want.height);
      expect(decoded!.image.channels).toBe(want.channels);
      expect(Buffer.from(decoded!.image.data).equals(Buffer.from(want.data))).toBe(true);
    } finally {
      model.dispose();
    }
  });
});
