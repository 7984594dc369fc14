// importModel reads a .lsmodel under the one reading policy: a link to /dev/zero or a FIFO is
// refused at once instead of being read without end.
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
let studio: Studio;
beforeEach(() => {
  tmp = makeTmpDir();
  studio = new Studio({ homeDir: path.join(tmp.dir, 'home'), host: 'test' });
});
afterEach(async () => {
  await studio.close();
  tmp.cleanup();
});

describe('reading a .lsmodel', () => {
  it.runIf(process.platform !== 'win32')('refuses a link to /dev/zero and a FIFO without reading them', async () => {
    const zero = path.join(tmp.dir, 'zero.lsmodel');
    symlinkSync('/dev/zero', zero);
    const fifo = path.join(tmp.dir, 'fifo.lsmodel');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(studio.call('importModel', { path: zero })).rejects.toThrow(
      `${zero}: not a regular file (a symbolic link to /dev/zero, a character device)`,
    );
    await expect(studio.call('importModel', { path: fifo })).rejects.toThrow(`${fifo}: not a regular file (a FIFO)`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
