// A process killed mid-write leaves temporaries in the home; the next studio removes the stale ones
// and leaves alone what a live writer may still be working on.
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STALE_MS } from '../../../src-main/core/system/home-sweep.js';
import { Studio } from '../../../src-main/core/studio.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir> | undefined;
afterEach(() => tmp?.cleanup());

function age(file: string, ms: number) {
  const t = (Date.now() - ms) / 1000;
  utimesSync(file, t, t);
}

describe('home sweep', () => {
  it('removes stale .part files and dead writers’ model folders, keeps fresh ones and real files', async () => {
    tmp = makeTmpDir();
    const home = path.join(tmp.dir, 'home');
    const thumbs = path.join(home, 'cache', 'thumbnails', 'ab');
    const models = path.join(home, 'models');
    mkdirSync(thumbs, { recursive: true });
    mkdirSync(models, { recursive: true });
    const stalePart = path.join(thumbs, '.abc.webp.0123456789ab.part');
    const freshPart = path.join(thumbs, '.abd.webp.0123456789ac.part');
    const realThumb = path.join(thumbs, 'abc.webp');
    for (const f of [stalePart, freshPart, realThumb]) writeFileSync(f, 'x');
    age(stalePart, STALE_MS + 60_000);
    age(realThumb, STALE_MS + 60_000);
    // pid 2^22 + 1 is above Linux's pid_max, so no live process has it.
    const deadWriter = path.join(models, 'm1.part-4194305-1700000000000');
    const liveWriter = path.join(models, `m2.part-${process.pid}-1700000000000`);
    const realModel = path.join(models, 'm3');
    for (const d of [deadWriter, liveWriter, realModel]) mkdirSync(d);
    writeFileSync(path.join(deadWriter, 'weights.bin'), 'half');

    const studio = new Studio({ homeDir: home, host: 'test' });
    const removed = await studio.swept;
    await studio.close();

    expect(removed.sort()).toEqual([deadWriter, stalePart].sort());
    for (const kept of [freshPart, realThumb, liveWriter, realModel]) expect(existsSync(kept), kept).toBe(true);
    for (const gone of [stalePart, deadWriter]) expect(existsSync(gone), gone).toBe(false);
  });
});
