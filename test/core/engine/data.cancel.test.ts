// A training cancelled while it is still loading its data stops before the next decode, not at its
// first batch (decoding a folder of photos takes a while).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageSource } from '../../../src-main/core/engine/data.js';
import { FIXTURES } from '../../helpers/engine-fixtures.js';

describe('ImageSource and a cancelled training', () => {
  it('decodes nothing once its signal is aborted', async () => {
    const abort = new AbortController();
    const source = new ImageSource({ channels: 3, size: 16, cropsPerImage: 1, signal: abort.signal });
    const file = path.join(FIXTURES, 'landscapes-small', 'beach0.jpg');
    await source.load(file);
    abort.abort();
    // Another file: it would decode (or fail as a missing file) without the signal.
    await expect(source.fixedSamples([path.join(FIXTURES, 'no-such-file.png')], 4)).rejects.toMatchObject({ name: 'AbortError' });
    const epoch = source.epoch([path.join(FIXTURES, 'no-such-file.png')], 1, Math.random, () => undefined);
    await expect(epoch.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
